/**
 * Rolling a quickroll with a character (R1). Before calling, checks what Valentina does not (the
 * quickroll is the actor's, the character theirs and in this company, no PLAYER rolls a STORYTELLER
 * character) and reads the character's sheet (P3, cached) to show the pool and name the traits it
 * lacks. On a warm cache the roll is the only call. The roll's answer checks the cached sheet: a
 * pool of another size than the sheet's drops it and reads it afresh for the message, and a sheet
 * that leaves nothing to roll is read afresh before the roll is refused. The message comes with its
 * reroll menu and button (reroll.ts).
 */
import { z } from 'zod';
import { outcomeUnknownMessage, UnconfirmedChangeError, UserError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import {
  isMissingTraits,
  ValentinaForbiddenError,
  ValentinaNotFoundError,
  ValentinaOutcomeUnknownError,
  ValentinaValidationError,
  type DiceRoll,
} from '../valentina/index.js';
import {
  forgetCharacters,
  forgetQuickrolls,
  forgetSheet,
  sheetOf,
  traitCatalogue,
  type CharacterSummary,
  type QuickrollSummary,
  type SheetEntry,
} from './catalogue.js';
import { pickCharacter, pickQuickroll } from './pick.js';
import { forgetRollFigures, rollMessage } from './reroll.js';
import { traitNames } from './traits.js';

export { rerollId, rerollPickId, rerollQuickroll } from './reroll.js';

export const DIFFICULTY = { min: 1, max: 10, default: 6 } as const;
export const DESPERATION = { min: 0, max: 5, default: 0 } as const;

const RollSettings = z.object({
  difficulty: z.number().int().min(DIFFICULTY.min).max(DIFFICULTY.max),
  desperation: z.number().int().min(DESPERATION.min).max(DESPERATION.max),
  comment: z.string().max(500).nullable(),
});
export type RollSettings = z.infer<typeof RollSettings>;
const SETTING_RULES: Record<keyof RollSettings, string> = {
  difficulty: `The **difficulty** must be a whole number from ${DIFFICULTY.min} to ${DIFFICULTY.max}.`,
  desperation: `The **desperation** dice must be a whole number from ${DESPERATION.min} to ${DESPERATION.max}.`,
  comment: 'The **comment** can be at most 500 characters long.',
};

export interface RollRequest extends RollSettings {
  /** Option value: a quickroll id (autocomplete) or name (typed). */
  quickroll: string;
  /** Option value: a character id or name; null = the only character the actor plays. */
  character: string | null;
}

const requestSuffix = (error: { requestId: string | undefined }) => (error.requestId ? ` (request ${error.requestId})` : '');

/** R1 with its refusals turned into sentences that name the quickroll, the character or the traits. */
async function callRoll(deps: BotDeps, actor: Actor, quickroll: QuickrollSummary, character: CharacterSummary, settings: RollSettings, idempotencyKey: string): Promise<DiceRoll> {
  try {
    return await deps.valentina.dicerolls.rollQuickroll(
      actor.companyId,
      { quickrollId: quickroll.id, characterId: character.id, difficulty: settings.difficulty, desperationDice: settings.desperation, comment: settings.comment },
      { onBehalfOf: actor.userId, idempotencyKey },
    );
  } catch (error) {
    if (isMissingTraits(error)) {
      // The cached sheet said otherwise: it is out of date. The character lacks every trait of the quickroll.
      await forgetSheet(deps, actor.companyId, character.id);
      const missing = await namesOf(deps, actor, quickroll.traitIds);
      throw new UserError(`**${character.name}** has none of the traits **${quickroll.name}** needs (${missing.join(', ')}), so there is nothing to roll. Pick another character or edit the quickroll.`);
    }
    if (error instanceof ValentinaNotFoundError || (error instanceof ValentinaValidationError && error.detail.startsWith('Quick roll '))) {
      await forgetQuickrolls(deps, actor.companyId, actor.userId);
      throw new UserError(`The quickroll **${quickroll.name}** no longer exists — it was deleted meanwhile. \`/quickroll list\` shows yours.${requestSuffix(error)}`);
    }
    if (error instanceof ValentinaValidationError && error.detail.startsWith('Character ')) {
      await forgetCharacters(deps, actor.companyId, actor.userId);
      throw new UserError(`**${character.name}** is no longer in **${actor.companyName}**. Pick another character.${requestSuffix(error)}`);
    }
    if (error instanceof ValentinaForbiddenError) {
      throw new UserError(`Valentina won't let you roll **${quickroll.name}** for **${character.name}**: ${error.detail}.${requestSuffix(error)}`);
    }
    if (error instanceof ValentinaOutcomeUnknownError) {
      // Never rolled again behind the user's back: a second roll would be a second result in the record.
      throw new UnconfirmedChangeError(
        `${outcomeUnknownMessage(error.requestId, `the roll of **${quickroll.name}**`, 'recorded')} ` +
          'Its dice are not known here. `/stats me` counts your recorded rolls; roll again only if you want another one.',
        error,
      );
    }
    throw error;
  }
}

/** Rolls and builds the public dice message with its Reroll button. */
export async function rollQuickroll(deps: BotDeps, actor: Actor, request: RollRequest, idempotencyKey: string, rollerId: string): Promise<ReplyMessage> {
  const parsed = RollSettings.safeParse({ difficulty: request.difficulty, desperation: request.desperation, comment: request.comment?.trim() || null });
  // Discord keeps the options within their bounds; a stale command definition may not.
  if (!parsed.success) throw new UserError(SETTING_RULES[parsed.error.issues[0]?.path[0] as keyof RollSettings] ?? SETTING_RULES.difficulty);
  const settings = parsed.data;
  // Both lists are read at once; the quickroll's refusal, if any, is the one told.
  const [quickroll, character] = await Promise.allSettled([pickQuickroll(deps, actor, request.quickroll), pickCharacter(deps, actor, request.character)]);
  if (quickroll.status === 'rejected') throw quickroll.reason;
  if (character.status === 'rejected') throw character.reason;
  return rollWith(deps, actor, quickroll.value, character.value, settings, idempotencyKey, rollerId);
}

export interface PoolPlan {
  pool: Array<{ name: string; value: number }>;
  /** Dice the pool holds: what Valentina's roll should show as `num_dice`. */
  dice: number;
  missingIds: string[];
}

export function planPool(quickroll: QuickrollSummary, sheet: readonly SheetEntry[]): PoolPlan {
  const values = new Map(sheet.map((t) => [t.traitId, t]));
  const pool = quickroll.traitIds.flatMap((id) => {
    const owned = values.get(id);
    return owned ? [{ name: owned.name, value: owned.value }] : [];
  });
  return { pool, dice: pool.reduce((sum, t) => sum + t.value, 0), missingIds: quickroll.traitIds.filter((id) => !values.has(id)) };
}

/** Trait names for ids; the catalogue is read only when there is something to name. */
async function namesOf(deps: BotDeps, actor: Actor, ids: readonly string[]): Promise<string[]> {
  return ids.length === 0 ? [] : traitNames(ids, await traitCatalogue(deps, actor.companyId));
}

/** Rolls `quickroll` for `character` (both already the actor's) and builds the public dice message. */
export async function rollWith(deps: BotDeps, actor: Actor, quickroll: QuickrollSummary, character: CharacterSummary, settings: RollSettings, idempotencyKey: string, rollerId: string): Promise<ReplyMessage> {
  const read = (fresh: boolean) => sheetOf(deps, actor.companyId, character.id, actor.userId, fresh);
  const first = await read(false);
  let plan = planPool(quickroll, first.sheet);
  // A remembered sheet may predate a change in the web app: nothing is refused on its word alone.
  if (plan.pool.length === 0 && first.cached) plan = planPool(quickroll, (await read(true)).sheet);
  let missing = await namesOf(deps, actor, plan.missingIds);
  if (plan.pool.length === 0) {
    throw new UserError(`**${character.name}** has none of the traits **${quickroll.name}** needs (${missing.join(', ')}), so there is nothing to roll. Pick another character or edit the quickroll.`);
  }
  let result: DiceRoll;
  try {
    result = await callRoll(deps, actor, quickroll, character, settings, idempotencyKey);
  } finally {
    // The roll may count in these figures now (even when its answer was lost).
    await forgetRollFigures(deps, actor);
  }
  // Valentina built the pool from the character's traits as they are: another size means the sheet changed.
  if (result.num_dice !== plan.dice) {
    // The roll stands whatever happens next: a sheet that cannot be read now is only dropped.
    const fresh = await read(true).catch(async () => {
      await forgetSheet(deps, actor.companyId, character.id).catch(() => undefined);
      return null;
    });
    if (fresh) {
      plan = planPool(quickroll, fresh.sheet);
      missing = await namesOf(deps, actor, plan.missingIds).catch(() => traitNames(plan.missingIds, []));
    }
  }
  return rollMessage(deps, actor.companyId, { characterName: character.name, quickrollName: quickroll.name, pool: plan.pool, missing, roll: result, rollerId });
}
