/**
 * Rolling a quickroll with a character (R1). Before calling, checks what Valentina does not (the
 * quickroll is the actor's, the character theirs and in this company, no PLAYER rolls a STORYTELLER
 * character) and reads the character's sheet (P3) to name the traits it lacks. What a reroll needs is
 * kept in Redis under the roll's id, so the button's custom id stays short.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import { z } from 'zod';
import { defineCustomId } from '../discord/custom-id.js';
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
import { forgetCharacters, forgetQuickrolls, traitCatalogue, type CharacterSummary, type QuickrollSummary } from './catalogue.js';
import { rollEmbed } from './embed.js';
import { characterById, findQuickroll, pickCharacter, pickQuickroll } from './pick.js';
import { traitNames } from './traits.js';

/** Reroll button: the roll it repeats and the Discord id of the only member who may press it. */
export const rerollId = defineCustomId('qr.reroll', z.object({ r: z.string().uuid(), o: z.string().regex(/^\d{15,21}$/) }));

export const DIFFICULTY = { min: 1, max: 10, default: 6 } as const;
export const DESPERATION = { min: 0, max: 5, default: 0 } as const;
/** How long a roll's Reroll button keeps working. */
export const REROLL_TTL_SECONDS = 24 * 3600;

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

const StoredRoll = RollSettings.extend({ companyId: z.string().uuid(), quickrollId: z.string().uuid(), characterId: z.string().uuid() });
type StoredRoll = z.infer<typeof StoredRoll>;

const storedKey = (deps: BotDeps, rollId: string) => `${deps.config.redis.prefix}:quickroll:reroll:${rollId}`;

async function loadStoredRoll(deps: BotDeps, rollId: string): Promise<StoredRoll | null> {
  const raw = await deps.redis.get(storedKey(deps, rollId));
  if (raw === null) return null;
  try {
    const parsed = StoredRoll.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export interface RollRequest extends RollSettings {
  /** Option value: a quickroll id (autocomplete) or name (typed). */
  quickroll: string;
  /** Option value: a character id or name; null = the only character the actor plays. */
  character: string | null;
}

const requestSuffix = (error: { requestId: string | undefined }) => (error.requestId ? ` (request ${error.requestId})` : '');

/** R1 with its refusals turned into sentences that name the quickroll, the character or the traits. */
async function callRoll(deps: BotDeps, actor: Actor, quickroll: QuickrollSummary, character: CharacterSummary, settings: RollSettings, missing: string[], idempotencyKey: string): Promise<DiceRoll> {
  try {
    return await deps.valentina.dicerolls.rollQuickroll(
      actor.companyId,
      { quickrollId: quickroll.id, characterId: character.id, difficulty: settings.difficulty, desperationDice: settings.desperation, comment: settings.comment },
      { onBehalfOf: actor.userId, idempotencyKey },
    );
  } catch (error) {
    if (isMissingTraits(error)) {
      throw new UserError(`**${character.name}** has none of the traits **${quickroll.name}** needs${missing.length ? ` (${missing.join(', ')})` : ''}, so there is nothing to roll.`);
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
  const quickroll = await pickQuickroll(deps, actor, request.quickroll);
  const character = await pickCharacter(deps, actor, request.character);
  return roll(deps, actor, quickroll, character, settings, idempotencyKey, rollerId);
}

async function roll(deps: BotDeps, actor: Actor, quickroll: QuickrollSummary, character: CharacterSummary, settings: RollSettings, idempotencyKey: string, rollerId: string): Promise<ReplyMessage> {
  const [sheet, catalogue] = await Promise.all([
    deps.valentina.characters.traits(actor.companyId, character.id, {}, { onBehalfOf: actor.userId }),
    traitCatalogue(deps, actor.companyId),
  ]);
  const values = new Map(sheet.map((t) => [t.trait.id, t]));
  const pool = quickroll.traitIds.flatMap((id) => {
    const owned = values.get(id);
    return owned ? [{ name: owned.trait.name, value: owned.value }] : [];
  });
  const missing = traitNames(quickroll.traitIds.filter((id) => !values.has(id)), catalogue);
  if (pool.length === 0) {
    throw new UserError(`**${character.name}** has none of the traits **${quickroll.name}** needs (${missing.join(', ')}), so there is nothing to roll. Pick another character or edit the quickroll.`);
  }
  const result = await callRoll(deps, actor, quickroll, character, settings, missing, idempotencyKey);
  const stored: StoredRoll = { ...settings, companyId: actor.companyId, quickrollId: quickroll.id, characterId: character.id };
  await deps.redis.set(storedKey(deps, result.id), JSON.stringify(stored), 'EX', REROLL_TTL_SECONDS);
  const reroll = new ButtonBuilder().setCustomId(rerollId.encode({ r: result.id, o: rollerId })).setLabel('Reroll').setEmoji('🎲').setStyle(ButtonStyle.Secondary);
  return {
    embeds: [rollEmbed({ characterName: character.name, quickrollName: quickroll.name, pool, missing, roll: result, rollerId })],
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(reroll)],
    allowedMentions: { parse: [] },
    ephemeral: false,
  };
}

/** A fresh roll with the same quickroll, character and settings as roll `rollId` (new idempotency key). */
export async function rerollQuickroll(deps: BotDeps, actor: Actor, rollId: string, idempotencyKey: string, rollerId: string): Promise<ReplyMessage> {
  const stored = await loadStoredRoll(deps, rollId);
  if (!stored) throw new UserError('This roll is too old to reroll. Run `/quickroll run` again.');
  if (stored.companyId !== actor.companyId) throw new UserError('This roll belongs to another company. Run `/quickroll run` here instead.');
  const quickroll = await findQuickroll(deps, actor, stored.quickrollId);
  if (!quickroll) throw new UserError('That quickroll was deleted meanwhile, so it cannot be rolled again. `/quickroll list` shows yours.');
  const character = await characterById(deps, actor, stored.characterId);
  const { difficulty, desperation, comment } = stored;
  return roll(deps, actor, quickroll, character, { difficulty, desperation, comment }, idempotencyKey, rollerId);
}
