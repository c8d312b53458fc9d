/**
 * One ad-hoc roll (R2): the pool counted from the character's sheet (cached, as `/quickroll` keeps
 * it), recorded in Valentina with its traits, character and campaign so `/stats` counts it, and shown
 * with `/quickroll`'s dice message and Willpower reroll. On a warm cache the roll is the only call. What
 * "Save as quickroll" needs is kept in Redis under the roll's id, so the button's id stays short.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import { z } from 'zod';
import { defineCustomId } from '../discord/custom-id.js';
import { outcomeUnknownMessage, UnconfirmedChangeError, UserError } from '../discord/errors.js';
import { snowflake } from '../discord/snowflake.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { sheetOf, traitCatalogue } from '../quickrolls/catalogue.js';
import { rollEmbed, type RollView } from '../quickrolls/embed.js';
import { rollMessage } from '../quickrolls/reroll.js';
import { forgetStatistics } from '../stats/figures.js';
import { ValentinaOutcomeUnknownError, ValentinaValidationError, type DiceRoll } from '../valentina/index.js';
import { countPool, parsePool, poolLabel, splitPool, type CountedPool, type ParsedPool } from './pool.js';
import { forgetRoster, type RosterEntry } from './roster.js';
import { COMMENT_MAX, DESPERATION, DIFFICULTY, MADE_TTL_SECONDS, POOL_DICE } from './settings.js';
import { readJson } from '../redis.js';

/** "Save as quickroll": the roll whose traits become the quickroll (its roller is kept with the roll). */
export const saveId = defineCustomId('roll.save', z.object({ r: z.string().uuid() }));

export const RollSettingsSchema = z.object({
  difficulty: z.number().int().min(DIFFICULTY.min).max(DIFFICULTY.max),
  desperation: z.number().int().min(DESPERATION.min).max(DESPERATION.max),
  comment: z.string().max(COMMENT_MAX).nullable(),
});
export type RollSettings = z.infer<typeof RollSettingsSchema>;

/** What "Save as quickroll" needs of a roll: kept under `rolls.made(<roll id>)`. */
export const MadeRollSchema = z.object({
  companyId: z.string().uuid(),
  rollerDiscordId: snowflake,
  traitNames: z.array(z.string()).min(1),
});
export type MadeRoll = z.infer<typeof MadeRollSchema>;

export interface RollInput extends RollSettings {
  /** The pool as typed. */
  pool: string;
  character: RosterEntry | null;
  /** The character's campaign, else the server's default campaign, else none. */
  campaignId: string | null;
}

export interface RollOutcome {
  roll: DiceRoll;
  pool: ParsedPool;
  counted: CountedPool;
  character: RosterEntry | null;
}

/** Checks the settings as Discord may not have (a stale command definition), in the words of the options. */
export function checkSettings(input: { difficulty: number; desperation: number; comment: string | null }): RollSettings {
  const parsed = RollSettingsSchema.safeParse({ ...input, comment: input.comment?.trim() || null });
  if (parsed.success) return parsed.data;
  const field = parsed.error.issues[0]?.path[0];
  if (field === 'desperation') throw new UserError(`The **desperation** dice must be a whole number from ${DESPERATION.min} to ${DESPERATION.max}.`);
  if (field === 'comment') throw new UserError(`The **comment** can be at most ${COMMENT_MAX} characters long.`);
  throw new UserError(`The **difficulty** must be a whole number from ${DIFFICULTY.min} to ${DIFFICULTY.max}.`);
}

/** The pool parsed against the company's traits; the catalogue is read only when a trait is named. */
export async function parseFor(deps: BotDeps, companyId: string, text: string): Promise<ParsedPool> {
  const named = splitPool(text).some((term) => !/^\d{1,3}$/.test(term));
  return parsePool(named ? await traitCatalogue(deps, companyId) : [], text);
}

const requestSuffix = (error: { requestId: string | undefined }) => (error.requestId ? ` (request ${error.requestId})` : '');

/** Counts the pool and records the roll in Valentina as the actor. */
export async function makeRoll(deps: BotDeps, actor: Actor, input: RollInput, idempotencyKey: string): Promise<RollOutcome> {
  const pool = await parseFor(deps, actor.companyId, input.pool);
  const { character } = input;
  if (pool.traits.length > 0 && !character) {
    throw new UserError('Traits are counted from a character: name one in the `character` option, or roll a number of dice (`pool:5`).');
  }
  const read = async (fresh: boolean) => (character && pool.traits.length > 0 ? (await sheetOf(deps, actor.companyId, character.id, actor.userId, fresh)).sheet : []);
  const first = await read(false);
  let counted = countPool(pool, first);
  // A remembered sheet may predate a change in the web app: nothing is refused on its word alone.
  if (counted.size === 0 && pool.traits.length > 0) counted = countPool(pool, await read(true));
  if (counted.size < POOL_DICE.min) throw new UserError(`**${character?.name ?? 'This character'}** has no dots in ${counted.missing.map((m) => `**${m}**`).join(', ')}, so there is nothing to roll.`);
  if (counted.size > POOL_DICE.max) throw new UserError(`That is ${counted.size} dice; a pool is at most ${POOL_DICE.max}.`);

  let roll: DiceRoll;
  try {
    roll = await deps.valentina.dicerolls.create(
      actor.companyId,
      {
        num_dice: counted.size,
        difficulty: input.difficulty,
        dice_size: 10,
        num_desperation_dice: input.desperation,
        comment: input.comment,
        trait_ids: counted.traitIds,
        character_id: character?.id ?? null,
        campaign_id: input.campaignId,
      },
      { onBehalfOf: actor.userId, idempotencyKey },
    );
  } catch (error) {
    throw await explain(deps, actor, error, character);
  } finally {
    // The roll may count in these figures now (even when its answer was lost).
    const source = { redis: deps.redis, keys: deps.keys.stats };
    await forgetStatistics(source, [{ kind: 'user', companyId: actor.companyId, userId: actor.userId }, { kind: 'company', companyId: actor.companyId }]).catch((error: unknown) =>
      deps.logger.warn({ err: error }, 'could not drop the cached /stats figures after a roll'),
    );
  }
  return { roll, pool, counted, character };
}

/** R2's refusals as sentences naming the character, the campaign or the trait. */
async function explain(deps: BotDeps, actor: Actor, error: unknown, character: RosterEntry | null): Promise<unknown> {
  if (error instanceof ValentinaOutcomeUnknownError) {
    // Never rolled again behind the user's back: a second roll would be a second result in the record.
    return new UnconfirmedChangeError(`${outcomeUnknownMessage(error.requestId, 'the roll', 'recorded')} Its dice are not known here. \`/stats me\` counts your recorded rolls; roll again only if you want another one.`, error);
  }
  if (!(error instanceof ValentinaValidationError)) return error;
  if (error.detail.startsWith('Character ')) {
    await forgetRoster(deps, actor.companyId);
    return new UserError(`**${character?.name ?? 'That character'}** is no longer in **${actor.companyName}** (archived in Valentina?). Pick another character.${requestSuffix(error)}`);
  }
  if (error.detail.startsWith('Campaign ')) {
    await forgetRoster(deps, actor.companyId);
    return new UserError(`The campaign of this roll is archived in Valentina, so the roll was not recorded. Ask a storyteller to check the character's campaign.${requestSuffix(error)}`);
  }
  if (error.invalidParameters.some((p) => p.field === 'trait_ids')) {
    await deps.quickrollCaches.traits.invalidate(deps.keys.quickrolls.cache('traits', actor.companyId));
    return new UserError(`Valentina no longer knows one of these traits (changed in the web app?). Pick them again from the list.${requestSuffix(error)}`);
  }
  return new UserError(`Valentina refused the roll: ${error.detail}${requestSuffix(error)}`);
}

export interface ShowOptions {
  /** Discord id of the member who rolled: the only one who may reroll it (and save it). */
  rollerId: string;
  ephemeral: boolean;
  /** Offer "Save as quickroll" (pools of traits only). */
  save: boolean;
}

/** How the dice embed names the roll. */
function viewOf(outcome: RollOutcome, rollerId: string): RollView {
  return { characterName: outcome.character?.name ?? 'NPC', quickrollName: poolLabel(outcome.pool), pool: outcome.counted.parts, missing: outcome.counted.missing, roll: outcome.roll, rollerId };
}

/** The dice embed alone, for a copy sent by DM (no controls: a reroll happens where the roll was shown). */
export function rollEmbedOf(outcome: RollOutcome, rollerId: string): Record<string, unknown> {
  return rollEmbed(viewOf(outcome, rollerId)).toJSON() as Record<string, unknown>;
}

/**
 * The roll's message: `/quickroll`'s dice embed and Willpower reroll (its rules and state, src/quickrolls/reroll.ts),
 * plus "Save as quickroll" for a pool of traits, whose roller and traits are kept under the roll's id.
 */
export async function resultMessage(deps: BotDeps, actor: Actor, outcome: RollOutcome, show: ShowOptions): Promise<ReplyMessage> {
  const message = await rollMessage(deps, actor.companyId, viewOf(outcome, show.rollerId), show.rollerId, 'roll');
  const components = [...(message.components ?? [])];
  if (show.save && outcome.pool.traits.length > 0) {
    const made: MadeRoll = { companyId: actor.companyId, rollerDiscordId: show.rollerId, traitNames: outcome.pool.traits.map((t) => t.name) };
    await deps.redis.set(deps.keys.rolls.made(outcome.roll.id), JSON.stringify(MadeRollSchema.parse(made)), 'EX', MADE_TTL_SECONDS);
    const save = new ButtonBuilder().setCustomId(saveId.encode({ r: outcome.roll.id })).setLabel('Save as quickroll').setEmoji('💾').setStyle(ButtonStyle.Secondary);
    components.push(new ActionRowBuilder<ButtonBuilder>().addComponents(save));
  }
  return { ...message, components, allowedMentions: { parse: [] }, ephemeral: show.ephemeral };
}

export async function loadMadeRoll(deps: BotDeps, rollId: string): Promise<MadeRoll | null> {
  return readJson(deps.redis, deps.keys.rolls.made(rollId), MadeRollSchema);
}
