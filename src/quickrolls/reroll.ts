/**
 * Rerolling a roll the Willpower way: once, by the roller only, within {@link REROLL_WINDOW_SECONDS}
 * of the roll, up to three of its failed regular dice (ones and failures; desperation dice are never
 * rerolled) — picked in the menu under the roll, or the first three by the button (ones first).
 *
 * In Valentina a reroll is a new roll (R2) of that many dice at the same difficulty, for the same
 * character and campaign, with a comment naming the roll it rerolls. The message keeps the first
 * outcome and shows the combined result, counted with Valentina's own arithmetic (count.ts).
 *
 * What a reroll needs is kept in Redis under the roll's id (`deps.keys.quickrolls.reroll`), so the
 * custom ids stay short; a claim key makes the one reroll of a roll win against a double press.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, Routes, StringSelectMenuBuilder, type APIActionRowComponent, type APIComponentInMessageActionRow } from 'discord.js';
import { z } from 'zod';
import { defineCustomId } from '../discord/custom-id.js';
import { outcomeUnknownMessage, UnconfirmedChangeError, UserError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { forgetStatistics } from '../stats/figures.js';
import { DiceRollSchema, ValentinaOutcomeUnknownError, ValentinaValidationError, type DiceRoll } from '../valentina/index.js';
import { countable, failedDice, REROLL_MAX_DICE } from './count.js';
import { faceEmoji, rollEmbed, shortRef, type RollView } from './embed.js';
import { readJson } from '../redis.js';

const uuid = z.string().uuid();
const discordId = z.string().regex(/^\d{15,21}$/);

/** "Reroll the first failed dice" button: the roll it rerolls and the Discord id of the only member who may press it. */
export const rerollId = defineCustomId('qr.reroll', z.object({ r: uuid, o: discordId }));
/** The menu of a roll's failed dice (its values are indices into the roll's `player_roll`). */
export const rerollPickId = defineCustomId('qr.reroll-pick', z.object({ r: uuid }));

/** How long after the roll its reroll stays open. */
export const REROLL_WINDOW_SECONDS = 15 * 60;
/** What a reroll needs is kept longer than the window, to tell a late press from a forgotten roll. */
const STATE_TTL_SECONDS = 24 * 3600;

const RerollState = z.object({
  companyId: uuid,
  /** Discord id of the only member who may reroll. */
  ownerId: discordId,
  /** When the bot showed the roll (epoch ms): the window runs from here. */
  rolledAt: z.number().int(),
  view: z.object({
    characterName: z.string(),
    quickrollName: z.string(),
    pool: z.array(z.object({ name: z.string(), value: z.number().int() })),
    missing: z.array(z.string()),
    rollerId: discordId,
  }),
  roll: DiceRollSchema,
  reroll: z.object({ indices: z.array(z.number().int().min(0)), roll: DiceRollSchema }).nullable(),
  /** The command the roll came from, which a refusal names for a new roll. */
  origin: z.enum(['quickroll', 'roll']).default('quickroll'),
});
export type RerollState = z.infer<typeof RerollState>;

async function loadState(deps: BotDeps, rollId: string): Promise<RerollState | null> {
  return readJson(deps.redis, deps.keys.quickrolls.reroll(rollId), RerollState);
}

const saveState = (deps: BotDeps, state: RerollState) => deps.redis.set(deps.keys.quickrolls.reroll(state.roll.id), JSON.stringify(RerollState.parse(state)), 'EX', STATE_TTL_SECONDS);

const viewOf = (state: RerollState): RollView => ({ ...state.view, roll: state.roll, reroll: state.reroll });
const windowClosed = (state: RerollState, now: number) => now - state.rolledAt > REROLL_WINDOW_SECONDS * 1000;
const windowText = `${REROLL_WINDOW_SECONDS / 60} minutes`;
/** Where a new roll comes from, for a roll of this origin. */
export type RollOrigin = RerollState['origin'];
const againWith = (origin: RollOrigin) => (origin === 'roll' ? '`/roll dice`' : '`/quickroll run`');

/** The menu and button under a roll, or one disabled button saying why there is nothing to press. */
export function controls(state: RerollState, now: number): Array<ActionRowBuilder<ButtonBuilder> | ActionRowBuilder<StringSelectMenuBuilder>> {
  const roll = state.roll;
  if (!countable(roll)) return [];
  const closed = (label: string) => [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(rerollId.encode({ r: roll.id, o: state.ownerId })).setLabel(label).setEmoji('🎲').setStyle(ButtonStyle.Secondary).setDisabled(true))];
  if (state.reroll) return closed('Rerolled');
  if (windowClosed(state, now)) return closed(`Reroll closed (${windowText})`);
  const failed = failedDice(roll);
  if (failed.length === 0) return closed('No failed dice to reroll');
  const most = Math.min(REROLL_MAX_DICE, failed.length);
  const menu = new StringSelectMenuBuilder()
    .setCustomId(rerollPickId.encode({ r: roll.id }))
    .setPlaceholder(`Reroll: pick up to ${most} failed ${most === 1 ? 'die' : 'dice'}`)
    .setMinValues(1)
    .setMaxValues(most)
    .addOptions(
      failed.slice(0, 25).map((index) => {
        const face = roll.result.player_roll[index] ?? 0;
        return { label: `A ${face}`, description: face === 1 ? 'a one: cancels a 10 or a success' : `a failure: under ${roll.difficulty}`, value: String(index), emoji: faceEmoji(face) };
      }),
    );
  const button = new ButtonBuilder()
    .setCustomId(rerollId.encode({ r: roll.id, o: state.ownerId }))
    .setLabel(`Reroll ${most === 1 ? 'the failed die' : `${most} failed dice`}`)
    .setEmoji('🎲')
    .setStyle(ButtonStyle.Secondary);
  return [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu), new ActionRowBuilder<ButtonBuilder>().addComponents(button)];
}

function message(state: RerollState, now: number): ReplyMessage {
  return { embeds: [rollEmbed(viewOf(state))], components: controls(state, now), allowedMentions: { parse: [] } };
}

/**
 * The public message of a fresh roll, with its reroll menu and button; remembers what a reroll of it
 * needs. `ownerId` is the Discord id of the member who may reroll it (the roller).
 */
export async function rollMessage(deps: BotDeps, companyId: string, view: RollView, ownerId: string = view.rollerId, origin: RollOrigin = 'quickroll'): Promise<ReplyMessage> {
  const { roll, reroll: _reroll, ...shown } = view;
  const state: RerollState = { companyId, ownerId, rolledAt: Date.now(), view: { ...shown, pool: [...shown.pool], missing: [...shown.missing] }, roll, reroll: null, origin };
  await saveState(deps, state);
  return { ...message(state, state.rolledAt), ephemeral: false };
}

/** Where the roll's message is, to disable its controls when a press comes too late. */
export interface MessageRef {
  channelId: string;
  messageId: string;
  /** The message's rows that are not the reroll's (such as "Save as quickroll"), kept as they are. */
  otherRows: ReadonlyArray<APIActionRowComponent<APIComponentInMessageActionRow>>;
}

/**
 * Checks a press before anything is rolled: the roll is known, the presser is its roller, it was not
 * rerolled yet and its window is open. A late press also disables the controls on the message.
 */
export async function checkReroll(deps: BotDeps, rollId: string, presserId: string, where: MessageRef | null): Promise<RerollState> {
  const state = await loadState(deps, rollId);
  // A forgotten roll's origin is unknown: the refusal names both commands.
  if (!state) throw new UserError(`This roll is too old to reroll: a reroll must come within ${windowText} of the roll. Roll again with \`/roll dice\` or \`/quickroll run\`.`);
  const again = againWith(state.origin);
  if (presserId !== state.ownerId) throw new UserError(`Only <@${state.ownerId}> can reroll this. Run ${again} for a roll of your own.`);
  if (state.reroll) throw new UserError(`This roll was already rerolled: one reroll per roll. Roll again with ${again} for a new one.`);
  const now = Date.now();
  if (windowClosed(state, now)) {
    if (where) {
      await deps.rest.patch(Routes.channelMessage(where.channelId, where.messageId), { body: { components: [...controls(state, now).map((row) => row.toJSON()), ...where.otherRows] } }).catch((error: unknown) => deps.logger.warn({ err: error }, 'could not disable the reroll of a closed roll'));
    }
    throw new UserError(`Too late to reroll: a reroll must come within ${windowText} of the roll. Roll again with ${again}.`);
  }
  return state;
}

/** The dice a press rerolls: those picked in the menu (indices), or the first failed ones for the button. */
function chosenDice(state: RerollState, picked: readonly string[] | null): number[] {
  const roll = state.roll;
  if (!countable(roll)) throw new UserError('This roll cannot be rerolled: only d10 rolls with a difficulty can.');
  const failed = failedDice(roll);
  if (picked === null) return failed.slice(0, REROLL_MAX_DICE);
  const indices = [...new Set(picked.map(Number))];
  if (indices.length === 0 || indices.length > REROLL_MAX_DICE || indices.some((i) => !failed.includes(i))) {
    throw new UserError(`Pick from 1 to ${REROLL_MAX_DICE} of the roll's failed dice in the menu.`);
  }
  return indices;
}

/** Drops the cached `/stats` figures the new roll counts in. */
export async function forgetRollFigures(deps: BotDeps, actor: Actor): Promise<void> {
  const source = { redis: deps.redis, keys: deps.keys.stats };
  await forgetStatistics(source, [{ kind: 'user', companyId: actor.companyId, userId: actor.userId }, { kind: 'company', companyId: actor.companyId }]).catch((error: unknown) =>
    deps.logger.warn({ err: error }, 'could not drop the cached /stats figures after a roll'),
  );
}

const requestSuffix = (error: { requestId: string | undefined }) => (error.requestId ? ` (request ${error.requestId})` : '');

/**
 * Rerolls the chosen dice (R2) and answers with the roll's message as it now reads: the first
 * outcome kept, the new dice marked "R:", the combined result, the controls disabled.
 */
export async function applyReroll(deps: BotDeps, actor: Actor, state: RerollState, picked: readonly string[] | null, idempotencyKey: string): Promise<ReplyMessage> {
  const newRoll = againWith(state.origin);
  if (state.companyId !== actor.companyId) throw new UserError(`This roll belongs to another company. Roll here with ${newRoll} instead.`);
  const indices = chosenDice(state, picked);
  const roll = state.roll;
  const claim = deps.keys.quickrolls.rerollClaim(roll.id);
  if ((await deps.redis.set(claim, idempotencyKey, 'EX', STATE_TTL_SECONDS, 'NX')) === null) {
    throw new UserError(`This roll was already rerolled: one reroll per roll. Roll again with ${newRoll} for a new one.`);
  }
  const before = indices.map((i) => roll.result?.player_roll[i] ?? 0);
  let again: DiceRoll;
  try {
    again = await deps.valentina.dicerolls.create(
      actor.companyId,
      {
        num_dice: indices.length,
        difficulty: roll.difficulty,
        dice_size: 10,
        num_desperation_dice: 0,
        comment: `Reroll of roll ${shortRef(roll.id)} (${state.view.quickrollName}): ${before.join(', ')}`.slice(0, 500),
        trait_ids: [],
        character_id: roll.character_id,
        campaign_id: roll.campaign_id,
      },
      { onBehalfOf: actor.userId, idempotencyKey },
    );
  } catch (error) {
    if (error instanceof ValentinaOutcomeUnknownError) {
      // The claim stays: a second reroll could be a second roll in the record.
      throw new UnconfirmedChangeError(`${outcomeUnknownMessage(error.requestId, 'the reroll', 'recorded')} This roll's reroll is used up; roll again with ${newRoll} if you need to.`, error);
    }
    await deps.redis.del(claim);
    if (error instanceof ValentinaValidationError) throw new UserError(`Valentina refused the reroll: ${error.detail}.${requestSuffix(error)}`);
    throw error;
  } finally {
    await forgetRollFigures(deps, actor);
  }
  const next: RerollState = { ...state, reroll: { indices, roll: again } };
  await saveState(deps, next);
  return message(next, Date.now());
}

/** Check and reroll in one step, for callers without a message to disable. */
export async function rerollQuickroll(deps: BotDeps, actor: Actor, rollId: string, idempotencyKey: string, presserId: string, picked: readonly string[] | null = null): Promise<ReplyMessage> {
  return applyReroll(deps, actor, await checkReroll(deps, rollId, presserId, null), picked, idempotencyKey);
}
