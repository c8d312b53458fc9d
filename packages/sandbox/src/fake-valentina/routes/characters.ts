/** Characters for pickers: list (P1), detail (P2), traits (P3), statistics (P4). */
import { characterJson, characterTraitJson, rollStatistics } from '../serialize.js';
import { QueryReader, byKeys, pageOf } from '../validation.js';
import { CHARACTER_CLASSES, CHARACTER_TYPES } from '../model.js';
import { characterVisible, pathCharacter } from './common.js';
import type { Route } from '../router.js';

const INCLUDES = ['traits', 'inventory', 'notes', 'assets'] as const;

export const characterRoutes: Route[] = [
  {
    id: 'P1',
    method: 'GET',
    pattern: '/companies/:company_id/characters',
    obo: 'required',
    cached: true,
    handle: ({ store, company, query, actor }) => {
      const reader = new QueryReader(query);
      const page = reader.page();
      const campaignId = reader.uuid('campaign_id');
      const playerId = reader.uuid('user_player_id');
      const creatorId = reader.uuid('user_creator_id');
      const characterClass = reader.enumValue('character_class', CHARACTER_CLASSES);
      const type = reader.enumValue('character_type', CHARACTER_TYPES);
      const status = reader.enumValue('status', ['ALIVE', 'DEAD'] as const);
      const temporary = reader.bool('is_temporary') ?? false;
      reader.done();
      const rows = [...store.characters.values()]
        .filter(
          (c) =>
            !c.archived &&
            c.company_id === company.id &&
            c.is_temporary === temporary &&
            (campaignId === undefined || c.campaign_id === campaignId) &&
            (playerId === undefined || c.user_player_id === playerId) &&
            (creatorId === undefined || c.user_creator_id === creatorId) &&
            (characterClass === undefined || c.character_class === characterClass) &&
            (type === undefined || c.type === type) &&
            (status === undefined || c.status === status) &&
            characterVisible(c, actor),
        )
        .sort(byKeys((c) => c.name_first, (c) => c.name_last, (c) => c.id));
      return { status: 200, body: pageOf(rows, page, (c) => characterJson(store, c)) };
    },
  },
  {
    id: 'P2',
    method: 'GET',
    pattern: '/companies/:company_id/characters/:character_id',
    obo: 'required403',
    cached: true,
    handle: (ctx) => {
      const { store } = ctx;
      const character = pathCharacter(ctx);
      const reader = new QueryReader(ctx.query);
      const include = new Set(reader.enumList('include', INCLUDES));
      reader.done();
      const body: Record<string, unknown> = characterJson(store, character);
      if (include.has('traits')) body.traits = store.traitsOfCharacter(character.id).map((t) => characterTraitJson(store, t));
      if (include.has('inventory')) body.inventory = [];
      if (include.has('notes')) body.notes = [];
      if (include.has('assets')) body.assets = [];
      return { status: 200, body };
    },
  },
  {
    id: 'P3',
    method: 'GET',
    pattern: '/companies/:company_id/characters/:character_id/traits',
    obo: 'required403',
    cached: true,
    handle: (ctx) => {
      const { store } = ctx;
      const character = pathCharacter(ctx);
      const reader = new QueryReader(ctx.query);
      const page = reader.page();
      const categoryId = reader.uuid('category_id');
      const rollable = reader.bool('is_rollable');
      reader.done();
      const rows = store
        .traitsOfCharacter(character.id)
        .map((row) => ({ row, trait: store.traits.get(row.trait_id) }))
        .filter(
          ({ trait }) =>
            trait !== undefined &&
            (categoryId === undefined || trait.category_id === categoryId) &&
            (rollable === undefined || trait.is_rollable === rollable),
        )
        .sort((a, b) => (a.trait?.sheet_order ?? 0) - (b.trait?.sheet_order ?? 0))
        .sort(byKeys(({ trait }) => trait?.category_name ?? ''));
      return { status: 200, body: pageOf(rows, page, ({ row }) => characterTraitJson(store, row)) };
    },
  },
  {
    id: 'P4',
    method: 'GET',
    pattern: '/companies/:company_id/characters/:character_id/statistics',
    obo: 'required403',
    handle: (ctx) => {
      const character = pathCharacter(ctx);
      const reader = new QueryReader(ctx.query);
      const top = reader.int('num_top_traits', 5);
      reader.done();
      const rolls = [...ctx.store.diceRolls.values()].filter((r) => r.character_id === character.id);
      return { status: 200, body: rollStatistics(ctx.store, rolls, top) };
    },
  },
];
