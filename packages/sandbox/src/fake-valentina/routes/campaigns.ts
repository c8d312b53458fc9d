/** Campaigns (K1–K3) and the trait catalogue (B1). */
import { notFound } from '../problem.js';
import { campaignJson, rollStatistics, traitJson } from '../serialize.js';
import { QueryReader, byKeys, pageOf } from '../validation.js';
import { CHARACTER_CLASSES, GAME_VERSIONS, type CampaignRow } from '../model.js';
import type { Route, RouteContext } from '../router.js';

function pathCampaign(ctx: RouteContext): CampaignRow {
  const campaign = ctx.store.campaigns.get(ctx.params.campaign_id ?? '');
  if (!campaign || campaign.archived || campaign.company_id !== ctx.company.id) throw notFound('Campaign not found');
  return campaign;
}

export const campaignRoutes: Route[] = [
  {
    id: 'K1',
    method: 'GET',
    pattern: '/companies/:company_id/campaigns',
    obo: 'none',
    cached: true,
    handle: ({ store, company, query }) => {
      const reader = new QueryReader(query);
      const page = reader.page();
      reader.done();
      const rows = [...store.campaigns.values()]
        .filter((c) => !c.archived && c.company_id === company.id)
        .sort(byKeys((c) => c.name, (c) => c.id));
      return { status: 200, body: pageOf(rows, page, (c) => campaignJson(store, c)) };
    },
  },
  {
    id: 'K2',
    method: 'GET',
    pattern: '/companies/:company_id/campaigns/:campaign_id',
    obo: 'none',
    cached: true,
    handle: (ctx) => ({ status: 200, body: campaignJson(ctx.store, pathCampaign(ctx)) }),
  },
  {
    id: 'K3',
    method: 'GET',
    pattern: '/companies/:company_id/campaigns/:campaign_id/statistics',
    obo: 'optional',
    handle: (ctx) => {
      const reader = new QueryReader(ctx.query);
      const top = reader.int('num_top_traits', 5);
      reader.done();
      const campaign = pathCampaign(ctx);
      const rolls = [...ctx.store.diceRolls.values()].filter((r) => r.campaign_id === campaign.id);
      return { status: 200, body: rollStatistics(ctx.store, rolls, top) };
    },
  },
  {
    id: 'B1',
    method: 'GET',
    pattern: '/companies/:company_id/characterblueprint/traits',
    obo: 'none',
    cached: true,
    handle: ({ store, query }) => {
      const reader = new QueryReader(query);
      const page = reader.page(1000);
      const version = reader.enumValue('game_version', GAME_VERSIONS);
      const characterClass = reader.enumValue('character_class', CHARACTER_CLASSES);
      const categoryId = reader.uuid('category_id');
      const subcategoryId = reader.uuid('subcategory_id');
      const excludeSub = reader.bool('exclude_subcategory_traits') ?? false;
      const rollable = reader.bool('is_rollable');
      const orderBy = reader.enumValue('order_by', ['NAME', 'SHEET'] as const) ?? 'NAME';
      reader.done();
      const rows = [...store.traits.values()]
        .filter(
          (t) =>
            t.custom_for_character_id === null &&
            (version === undefined || t.game_versions.includes(version)) &&
            (characterClass === undefined || t.character_classes.includes(characterClass)) &&
            (categoryId === undefined || t.category_id === categoryId) &&
            (subcategoryId === undefined || t.subcategory_id === subcategoryId) &&
            (!excludeSub || t.subcategory_id === null) &&
            (rollable === undefined || t.is_rollable === rollable),
        )
        .sort(orderBy === 'NAME' ? byKeys((t) => t.name, (t) => t.id) : (a, b) => a.sheet_order - b.sheet_order);
      return { status: 200, body: pageOf(rows, page, traitJson) };
    },
  },
];
