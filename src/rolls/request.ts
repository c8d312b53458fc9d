/**
 * Roll requests: a storyteller asks a player to roll (`/roll request`). The bot posts a message
 * mentioning the player with one **Roll** button that only they can press; pressing rolls the pool
 * with their character (their only one, the one the request names, or one picked from a menu) and
 * posts the result to the table — or, for a secret request, DMs it to the storyteller. A request is
 * rolled once (the press claims it in Redis; the roll's idempotency key is the request's) and expires
 * after its time (src/rolls/expiry.ts edits the message then).
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, Routes, StringSelectMenuBuilder, type RESTPostAPIChannelMessageResult } from 'discord.js';
import { z } from 'zod';
import { defineCustomId } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import { snowflake } from '../discord/snowflake.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { tryLock } from '../redis-lock.js';
import { poolLabel } from './pool.js';
import { scheduleExpiry } from './request-queue.js';
import { checkSettings, makeRoll, parseFor, resultMessage, rollEmbedOf, RollSettingsSchema, type RollInput } from './roll.js';
import { isStaff, playedBy, rosterOf, type RosterEntry } from './roster.js';
import { describeDuration, REQUEST_MEMORY_SECONDS, requestTtlSeconds } from './settings.js';
import { readJson } from '../redis.js';

/** The Roll button of a request, and the character menu a player of several characters gets. */
export const pressId = defineCustomId('roll.req', z.object({ q: snowflake }));
export const pickId = defineCustomId('roll.reqc', z.object({ q: snowflake }));

const RollRequestSchema = RollSettingsSchema.extend({
  id: snowflake,
  companyId: z.string().uuid(),
  channelId: snowflake,
  messageId: snowflake,
  requesterDiscordId: snowflake,
  playerDiscordId: snowflake,
  playerUserId: z.string().uuid(),
  characterId: z.string().uuid().nullable(),
  pool: z.string().min(1).max(300),
  secret: z.boolean(),
  /** Epoch milliseconds. */
  expiresAt: z.number().int(),
});
type RollRequest = z.infer<typeof RollRequestSchema>;

export interface NewRequest {
  player: Actor;
  pool: string;
  difficulty: number;
  desperation: number;
  comment: string | null;
  /** Option value: one of the player's characters (id or name); null = picked when they press. */
  character: string | null;
  secret: boolean;
}

const at = (ms: number) => `<t:${Math.floor(ms / 1000)}:R>`;
const what = (request: Pick<RollRequest, 'difficulty' | 'desperation'>, label: string) =>
  `**${label}** at difficulty **${request.difficulty}**${request.desperation > 0 ? ` with ${request.desperation} desperation ${request.desperation === 1 ? 'die' : 'dice'}` : ''}`;

function button(request: RollRequest, label: string, disabled: boolean): ActionRowBuilder<ButtonBuilder> {
  const style = disabled ? ButtonStyle.Secondary : ButtonStyle.Primary;
  return new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(pressId.encode({ q: request.id })).setLabel(label).setEmoji('🎲').setStyle(style).setDisabled(disabled));
}

/** `/roll request`: posts the request to the channel and schedules its expiry. */
export async function createRequest(deps: BotDeps, actor: Actor, input: NewRequest, origin: { interactionId: string; channelId: string; requesterId: string }): Promise<ReplyMessage> {
  if (!isStaff(actor)) throw new UserError('Only storytellers and admins can ask a player to roll. Roll for yourself with `/roll dice`.');
  const settings = checkSettings(input);
  const pool = await parseFor(deps, actor.companyId, input.pool);
  const { player } = input;
  const theirs = playedBy(await rosterOf(deps, actor), player.userId);
  let characterId: string | null = null;
  if (input.character) {
    const named = theirs.find((c) => c.id === input.character) ?? theirs.find((c) => c.name.toLowerCase() === input.character?.trim().toLowerCase());
    if (!named) throw new UserError(`<@${player.discordUserId}> doesn't play a living character called **${input.character.slice(0, 50)}**. Leave out \`character\` to let them pick.`);
    characterId = named.id;
  } else if (pool.traits.length > 0 && theirs.length === 0) {
    throw new UserError(`<@${player.discordUserId}> plays no living character in **${actor.companyName}**, so there are no traits to count. Ask for a number of dice instead (\`pool:5\`).`);
  }
  const ttl = requestTtlSeconds();
  const expiresAt = Date.now() + ttl * 1000;
  const label = poolLabel(pool);
  const draft = { ...settings, secret: input.secret, expiresAt };
  const content =
    `<@${player.discordUserId}>, <@${origin.requesterId}> asks you to roll ${what(draft, label)}${input.comment ? ` — *${settings.comment}*` : ''}.\n` +
    `${input.secret ? '🔒 A secret roll: only the storyteller will see the result. ' : ''}Press **Roll** before the request expires ${at(expiresAt)}.`;
  const placeholder = new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(pressId.encode({ q: origin.interactionId })).setLabel('Roll').setEmoji('🎲').setStyle(ButtonStyle.Primary));
  const posted = (await deps.rest
    .post(Routes.channelMessages(origin.channelId), { body: { content, components: [placeholder.toJSON()], allowed_mentions: { users: [player.discordUserId] } } })
    .catch((error: unknown) => {
      const status = (error as { status?: unknown }).status;
      if (status === 403 || status === 404) throw new UserError(`The bot cannot post in <#${origin.channelId}>: it needs **View Channel** and **Send Messages** there. Ask in another channel, or ask a server manager to allow it.`);
      throw error;
    })) as RESTPostAPIChannelMessageResult;
  const request: RollRequest = RollRequestSchema.parse({
    ...draft,
    id: origin.interactionId,
    companyId: actor.companyId,
    channelId: origin.channelId,
    messageId: posted.id,
    requesterDiscordId: origin.requesterId,
    playerDiscordId: player.discordUserId,
    playerUserId: player.userId,
    characterId,
    pool: input.pool,
  });
  await deps.redis.set(deps.keys.rolls.request(request.id), JSON.stringify(request), 'EX', ttl + REQUEST_MEMORY_SECONDS);
  await scheduleExpiry(deps, request.id, expiresAt - Date.now());
  return { content: `Asked <@${player.discordUserId}> to roll ${what(draft, label)}. The request expires in ${describeDuration(ttl)}.`, allowedMentions: { parse: [] }, ephemeral: true };
}

async function loadRequest(deps: BotDeps, requestId: string): Promise<RollRequest | null> {
  return readJson(deps.redis, deps.keys.rolls.request(requestId), RollRequestSchema);
}

/** The request, if the presser may still roll it; else a `UserError` saying why not. */
export async function openRequest(deps: BotDeps, requestId: string, presserId: string): Promise<RollRequest> {
  const request = await loadRequest(deps, requestId);
  if (!request) throw new UserError('This roll request is no longer known. Ask the storyteller for a new one.');
  if (presserId !== request.playerDiscordId) throw new UserError(`This roll is for <@${request.playerDiscordId}>: only they can press **Roll**.`);
  const claim = await deps.redis.get(deps.keys.rolls.requestClaim(requestId));
  if (claim === 'rolled') throw new UserError('You already rolled this request — a request is rolled once.');
  if (claim?.startsWith('rolling:')) throw new UserError('This request is being rolled right now — the result follows in a moment.');
  if (claim === 'expired' || Date.now() >= request.expiresAt) {
    await expireRequest(deps, requestId);
    throw new UserError(`This roll request expired ${at(request.expiresAt)}. Ask <@${request.requesterDiscordId}> for a new one.`);
  }
  return request;
}

/** The Roll button: rolls at once with the player's character, or asks which one when they play several. */
export async function pressRoll(deps: BotDeps, actor: Actor, requestId: string): Promise<ReplyMessage> {
  const request = await openRequest(deps, requestId, actor.discordUserId);
  if (actor.userId !== request.playerUserId || actor.companyId !== request.companyId) {
    throw new UserError('Your Discord account is linked to another Valentina user than the one this request was made for. Ask the storyteller for a new request.');
  }
  const roster = await rosterOf(deps, actor);
  const mine = playedBy(roster, actor.userId);
  if (request.characterId) {
    const named = mine.find((c) => c.id === request.characterId);
    if (!named) throw new UserError('The character this request names is no longer a living character you play. Ask the storyteller for a new request.');
    return fulfil(deps, actor, request, named);
  }
  if (mine.length <= 1) return fulfil(deps, actor, request, mine[0] ?? null);
  const menu = new StringSelectMenuBuilder()
    .setCustomId(pickId.encode({ q: request.id }))
    .setPlaceholder('Roll with…')
    .addOptions(mine.slice(0, 25).map((c) => ({ label: c.name.slice(0, 100), value: c.id })));
  return { content: 'You play several characters: which one rolls?', components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)], ephemeral: true };
}

/** The character menu of a player of several characters. */
export async function pickAndRoll(deps: BotDeps, actor: Actor, requestId: string, characterId: string | undefined): Promise<ReplyMessage> {
  const request = await openRequest(deps, requestId, actor.discordUserId);
  const character = playedBy(await rosterOf(deps, actor), actor.userId).find((c) => c.id === characterId);
  if (!character || actor.userId !== request.playerUserId) throw new UserError('Pick one of your living characters from the menu.');
  return fulfil(deps, actor, request, character);
}

/** Claims the request, rolls it as the player, and shows the result where the request says. */
async function fulfil(deps: BotDeps, actor: Actor, request: RollRequest, character: RosterEntry | null): Promise<ReplyMessage> {
  const claimKey = deps.keys.rolls.requestClaim(request.id);
  const claim = await tryLock(deps.redis, claimKey, REQUEST_MEMORY_SECONDS * 1000, `rolling:${actor.discordUserId}:${Date.now()}`);
  if (!claim) {
    // Pressed twice at once, or expired meanwhile: the claim's holder says which.
    await openRequest(deps, request.id, actor.discordUserId);
    throw new UserError('This request is being rolled right now — the result follows in a moment.');
  }
  const input: RollInput = { difficulty: request.difficulty, desperation: request.desperation, comment: request.comment, pool: request.pool, character, campaignId: character?.campaignId ?? null };
  let result: ReplyMessage;
  let label: string;
  try {
    if (!character && (await parseFor(deps, actor.companyId, request.pool)).traits.length > 0) {
      throw new UserError(`You don't play any living character in **${actor.companyName}**, so there are no traits to count. Tell the storyteller.`);
    }
    // The request's id keys the roll: however often it is pressed, Valentina records it once.
    const outcome = await makeRoll(deps, actor, input, `${request.id}:roll-request`);
    label = poolLabel(outcome.pool);
    result = request.secret
      ? { embeds: [rollEmbedOf(outcome, actor.discordUserId)] }
      : await resultMessage(deps, actor, outcome, { rollerId: actor.discordUserId, ephemeral: false, save: false });
  } catch (error) {
    await claim.release().catch(() => undefined);
    throw error;
  }
  await deps.redis.set(claimKey, 'rolled', 'EX', REQUEST_MEMORY_SECONDS);
  const done = `${what(request, label)}${character ? ` for **${character.name}**` : ''}`;
  if (request.secret) {
    const embeds = (result.embeds ?? []) as Array<Record<string, unknown>>;
    await deps.deliveries.enqueue(`roll-request:${request.id}`, {
      kind: 'dm',
      userId: request.requesterDiscordId,
      message: { content: `<@${request.playerDiscordId}> rolled your secret request: ${done}.`, embeds, allowed_mentions: { parse: [] } },
    });
    await editRequest(deps, request, `🔒 <@${request.playerDiscordId}> rolled ${done} in secret; the result went to <@${request.requesterDiscordId}>.`, 'Rolled');
    return { content: `Rolled. The result was sent to the storyteller (<@${request.requesterDiscordId}>) — only they see it.`, allowedMentions: { parse: [] }, ephemeral: true };
  }
  await editRequest(deps, request, `✅ <@${request.playerDiscordId}> rolled ${done}, as <@${request.requesterDiscordId}> asked — the result is below.`, 'Rolled');
  return { ...result, content: `Requested by <@${request.requesterDiscordId}>` };
}

/** Rewrites the request message, its button disabled; best effort (the message may be gone). */
async function editRequest(deps: BotDeps, request: RollRequest, content: string, label: string): Promise<void> {
  const body = { content, components: [button(request, label, true).toJSON()], allowed_mentions: { parse: [] } };
  await deps.rest.patch(Routes.channelMessage(request.channelId, request.messageId), { body }).catch((error: unknown) => {
    deps.logger.warn({ err: error, requestId: request.id }, 'could not edit a roll request message');
  });
}

/** Marks the request expired unless it was rolled, and says so on its message. Run by the expiry job (and by a late press). */
export async function expireRequest(deps: BotDeps, requestId: string): Promise<'expired' | 'rolled' | 'unknown'> {
  const request = await loadRequest(deps, requestId);
  if (!request) return 'unknown';
  if ((await deps.redis.set(deps.keys.rolls.requestClaim(requestId), 'expired', 'EX', REQUEST_MEMORY_SECONDS, 'NX')) !== 'OK') {
    return (await deps.redis.get(deps.keys.rolls.requestClaim(requestId))) === 'expired' ? 'expired' : 'rolled';
  }
  const label = request.pool.length > 60 ? `${request.pool.slice(0, 59)}…` : request.pool;
  await editRequest(deps, request, `⌛ <@${request.requesterDiscordId}>'s request for <@${request.playerDiscordId}> to roll ${what(request, label)} expired ${at(request.expiresAt)} without a roll.`, 'Expired');
  return 'expired';
}
