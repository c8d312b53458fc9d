/**
 * A plain DM to the bot becomes a Valentina note of its author. The message is stored in the
 * author's burst buffer (Redis) and the bot reacts 📝 at once — the reaction means "kept"; the
 * notes queue saves the burst once it is quiet and DMs the confirmation (or that it is pending).
 * Users who cannot write notes yet are told why (at most once a minute).
 */
import { ChannelType, type Message } from 'discord.js';
import type { BotDeps } from '../discord/types.js';
import { loggableError } from '../discord/errors.js';
import { describeResolution, type Resolution } from '../identity/resolver.js';
import { ValentinaError } from '../valentina/index.js';
import { BurstBuffer } from './burst.js';
import { companyPicker, FIRST_CHOICE_INTRO } from './company.js';
import { scheduleBurst } from './queue.js';
import { burstSettings } from './settings.js';

export const RECEIVED_EMOJI = '📝';
const EXPLAIN_COOLDOWN_SECONDS = 60;
const ASK_COMPANY_COOLDOWN_SECONDS = 600;

const NOTES_HINT = 'Once you can, every message you send me here becomes one of your Valentina notes.';

async function once(deps: BotDeps, what: string, userId: string, seconds: number): Promise<boolean> {
  return (await deps.redis.set(deps.keys.notes.cooldown(what, userId), '1', 'EX', seconds, 'NX')) === 'OK';
}

/** Who the author is, or `undefined` when Valentina cannot say right now (the note is kept and resolved later). */
async function resolveAuthor(message: Message, deps: BotDeps): Promise<Resolution | undefined> {
  try {
    return await deps.resolver.resolveInDm(message.author.id);
  } catch (error) {
    if (error instanceof ValentinaError && error.retryable) return undefined;
    throw error;
  }
}

export async function saveNoteFromDm(message: Message, deps: BotDeps): Promise<void> {
  if (message.author.bot || message.channel.type !== ChannelType.DM) return;
  const channel = message.channel;
  const userId = message.author.id;
  const resolution = await resolveAuthor(message, deps);
  if (resolution && resolution.status !== 'ok' && resolution.status !== 'choose_company') {
    if (await once(deps, 'explained', userId, EXPLAIN_COOLDOWN_SECONDS)) {
      await channel.send({ content: `${describeResolution(resolution)}\n${NOTES_HINT}`, allowedMentions: { parse: [] } });
    }
    deps.logger.info({ kind: 'dm-note', userId, outcome: resolution.status }, 'direct message not taken as a note');
    return;
  }

  const settings = burstSettings();
  const now = Date.now();
  const buffer = new BurstBuffer(deps.redis, deps.keys.notes);
  const attachments = [...message.attachments.values()].map((a) => ({ name: a.name, url: a.url }));
  const { burstId, first } = await buffer.append(userId, { messageId: message.id, text: message.content, attachments, at: now }, settings.maxAgeMs);
  await scheduleBurst(deps, { discordUserId: userId, burstId, firstAt: first }, first + settings.quietMs - now);
  await message.react(RECEIVED_EMOJI).catch((error: unknown) => deps.logger.debug({ err: loggableError(error) }, 'could not react to a DM'));

  if (resolution?.status === 'choose_company') {
    await buffer.awaitCompany(userId, burstId);
    if (await once(deps, 'ask-company', userId, ASK_COMPANY_COOLDOWN_SECONDS)) {
      const entries = await deps.resolver.lookup(userId);
      await channel.send(companyPicker(entries, null, FIRST_CHOICE_INTRO));
    }
  }
}
