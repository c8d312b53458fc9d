/** Dice rolls: run a quickroll (R1), free roll (R2), list (R3), get (R4). */
import { z } from 'zod';
import { scoreRoll } from '../dice.js';
import { badRequest, forbidden, notFound } from '../problem.js';
import { diceRollJson } from '../serialize.js';
import { QueryReader, pageOf, parseBody, uuidString } from '../validation.js';
import { CHARACTER_TYPES, DICE_SIZES, type DiceRollRow, type DiceSize, type UserRow } from '../model.js';
import { actorOf, characterVisible, isStaff } from './common.js';
import { resolveTraitIds } from './quickrolls.js';
import type { Route, RouteContext } from '../router.js';

const quickrollBody = z.object({
  quickroll_id: uuidString,
  character_id: uuidString,
  difficulty: z.number().int().default(6),
  num_desperation_dice: z.number().int().default(0),
  comment: z.string().nullish(),
});

const rollBody = z.object({
  num_dice: z.number().int().default(1),
  difficulty: z.number().int().nullish(),
  dice_size: z
    .number()
    .int()
    .refine((n): n is DiceSize => (DICE_SIZES as readonly number[]).includes(n), { message: 'Expected one of 4, 6, 8, 10, 20, 100' })
    .default(10),
  num_desperation_dice: z.number().int().default(0),
  comment: z.string().nullish(),
  trait_ids: z.array(uuidString).default([]),
  campaign_id: uuidString.nullish(),
  character_id: uuidString.nullish(),
});

interface RollSpec {
  actor: UserRow;
  numDice: number;
  desperation: number;
  size: DiceSize;
  difficulty: number | null;
  comment: string | null;
  traitIds: string[];
  characterId: string | null;
  campaignId: string | null;
}

function roll(ctx: RouteContext, spec: RollSpec): DiceRollRow {
  const { store, dice, company } = ctx;
  const player = dice.roll(spec.numDice, spec.size);
  const desperation = dice.roll(spec.desperation, spec.size);
  const at = store.stamp();
  const row: DiceRollRow = {
    id: store.newId(),
    date_created: at,
    date_modified: at,
    company_id: company.id,
    user_id: spec.actor.id,
    character_id: spec.characterId,
    campaign_id: spec.campaignId,
    difficulty: spec.difficulty,
    dice_size: spec.size,
    num_dice: spec.numDice,
    num_desperation_dice: spec.desperation,
    result: scoreRoll(player, desperation, spec.size, spec.difficulty),
    comment: spec.comment,
    trait_ids: spec.traitIds,
    archived: false,
  };
  store.diceRolls.set(row.id, row);
  return row;
}

/** Rolls of STORYTELLER-type characters are hidden from non-staff users. */
function rollVisible(ctx: RouteContext, row: DiceRollRow, actor: UserRow): boolean {
  if (row.character_id === null) return true;
  const character = ctx.store.characters.get(row.character_id);
  return !character || characterVisible(character, actor);
}

export const diceRollRoutes: Route[] = [
  {
    id: 'R1',
    method: 'POST',
    pattern: '/companies/:company_id/dicerolls/quickroll',
    obo: 'required',
    handle: (ctx) => {
      const { store, company } = ctx;
      const actor = actorOf(ctx);
      const body = parseBody(ctx, quickrollBody);
      const quickroll = store.quickrolls.get(body.quickroll_id.toLowerCase());
      const owner = quickroll ? store.companyUser(company.id, quickroll.user_id) : undefined;
      if (!quickroll || quickroll.archived || !owner) throw badRequest(`Quick roll ${body.quickroll_id} not found`);
      const character = store.characters.get(body.character_id.toLowerCase());
      if (!character || character.archived || character.company_id !== company.id) {
        throw badRequest(`Character ${body.character_id} not found`);
      }
      if (!isStaff(actor) && (quickroll.user_id !== actor.id || character.type === 'STORYTELLER')) throw forbidden();
      const values = new Map(store.traitsOfCharacter(character.id).map((t) => [t.trait_id, t.value]));
      const present = quickroll.trait_ids.filter((id) => values.has(id));
      if (present.length === 0) throw badRequest('This character does not have the traits required to roll this quick roll');
      const pool = present.reduce((sum, id) => sum + (values.get(id) ?? 0), 0);
      const row = roll(ctx, {
        actor,
        numDice: pool,
        desperation: body.num_desperation_dice,
        size: 10,
        difficulty: body.difficulty,
        comment: body.comment ? body.comment : `Quick roll: ${quickroll.name}`,
        traitIds: [...quickroll.trait_ids],
        characterId: character.id,
        campaignId: character.campaign_id,
      });
      return { status: 201, body: diceRollJson(row) };
    },
  },
  {
    id: 'R2',
    method: 'POST',
    pattern: '/companies/:company_id/dicerolls',
    obo: 'required',
    handle: (ctx) => {
      const { store, company } = ctx;
      const actor = actorOf(ctx);
      const body = parseBody(ctx, rollBody);
      const traitIds = resolveTraitIds(store, body.trait_ids, false);
      let campaignId: string | null = null;
      if (body.campaign_id != null) {
        const campaign = store.campaigns.get(body.campaign_id.toLowerCase());
        if (!campaign || campaign.archived || campaign.company_id !== company.id) {
          throw badRequest(`Campaign ${body.campaign_id} not found`);
        }
        campaignId = campaign.id;
      }
      let characterId: string | null = null;
      if (body.character_id != null) {
        const character = store.characters.get(body.character_id.toLowerCase());
        if (!character || character.archived || character.company_id !== company.id) {
          throw badRequest(`Character ${body.character_id} not found`);
        }
        characterId = character.id;
      }
      const row = roll(ctx, {
        actor,
        numDice: body.num_dice,
        desperation: body.num_desperation_dice,
        size: body.dice_size,
        difficulty: body.difficulty ?? null,
        comment: body.comment ?? null,
        traitIds,
        characterId,
        campaignId,
      });
      return { status: 201, body: diceRollJson(row) };
    },
  },
  {
    id: 'R3',
    method: 'GET',
    pattern: '/companies/:company_id/dicerolls',
    obo: 'required',
    handle: (ctx) => {
      const { store, company } = ctx;
      const actor = actorOf(ctx);
      const reader = new QueryReader(ctx.query);
      const page = reader.page();
      const userId = reader.uuid('userid');
      const characterId = reader.uuid('characterid');
      const campaignId = reader.uuid('campaignid');
      const characterType = reader.enumValue('character_type', CHARACTER_TYPES);
      reader.done();
      const rows = [...store.diceRolls.values()]
        .filter(
          (r) =>
            !r.archived &&
            r.company_id === company.id &&
            (userId === undefined || r.user_id === userId) &&
            (characterId === undefined || r.character_id === characterId) &&
            (campaignId === undefined || r.campaign_id === campaignId) &&
            (characterType === undefined ||
              (r.character_id !== null && store.characters.get(r.character_id)?.type === characterType)) &&
            rollVisible(ctx, r, actor),
        )
        .sort((a, b) => Date.parse(b.date_created) - Date.parse(a.date_created) || b.id.localeCompare(a.id));
      return { status: 200, body: pageOf(rows, page, diceRollJson) };
    },
  },
  {
    id: 'R4',
    method: 'GET',
    pattern: '/companies/:company_id/dicerolls/:diceroll_id',
    obo: 'required',
    handle: (ctx) => {
      const actor = actorOf(ctx);
      const id = ctx.params.diceroll_id ?? '';
      const row = ctx.store.diceRolls.get(id);
      if (!row || row.archived || row.company_id !== ctx.company.id) throw notFound(`Dice roll ${id} not found`);
      if (!rollVisible(ctx, row, actor)) throw forbidden();
      return { status: 200, body: diceRollJson(row) };
    },
  },
];
