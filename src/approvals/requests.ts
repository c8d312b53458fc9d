/**
 * What the worker, the buttons and reconciliation share about one request: the applicant as Valentina
 * sees them now, the company's merge targets, and the messages posted for the request in every server
 * (closed with the outcome once it is decided, wherever that happened).
 */
import { Routes, type RESTGetAPIChannelMessageResult } from 'discord.js';
import { z } from 'zod';
import { CachedJson } from '../cache/cached-json.js';
import { loggableError } from '../discord/errors.js';
import type { BotDeps } from '../discord/types.js';
import { ValentinaNotFoundError, type User } from '../valentina/index.js';
import { decidedEmbed, pickMergeTargets, type MergeTarget, type Outcome } from './message.js';
import { PostedSchema, type ApprovalSubject } from './queue.js';

/** How long a decided request keeps its records (so a late enqueue or click still finds them). */
export const DECIDED_TTL_SECONDS = 7 * 24 * 3600;
const MERGE_TARGETS_TTL_SECONDS = 60;

const MergeTargetsSchema = z.array(z.object({ id: z.string(), username: z.string(), role: z.string(), hasDiscord: z.boolean() }));

/**
 * The applicant now, or null when Valentina no longer has them (denied, deleted, merged). `fresh` reads
 * around Valentina's 60-second response cache, to check a decision whose answer was lost.
 */
export async function fetchApplicant(subject: ApprovalSubject, deps: Pick<BotDeps, 'valentina'>, fresh = false): Promise<User | null> {
  try {
    return await deps.valentina.users.get(subject.companyId, subject.userId, {}, { fresh });
  } catch (error) {
    if (error instanceof ValentinaNotFoundError) return null;
    throw error;
  }
}

/** The company's accounts a newcomer may be merged into (cached for a minute). */
export async function mergeTargets(subject: ApprovalSubject, deps: Pick<BotDeps, 'valentina' | 'redis' | 'keys'>): Promise<MergeTarget[]> {
  const cache = new CachedJson(deps.redis, MergeTargetsSchema, MERGE_TARGETS_TTL_SECONDS);
  const all = await cache.get(deps.keys.approvals.mergeTargets(subject.companyId), async () =>
    (await deps.valentina.users.listAll(subject.companyId))
      .filter((u) => u.role !== 'UNAPPROVED' && u.role !== 'DEACTIVATED')
      .map((u) => ({ id: u.id, username: u.username, role: u.role, hasDiscord: Boolean(u.discord_profile?.id) })),
  );
  return pickMergeTargets(all, subject.userId);
}

export async function forgetMergeTargets(companyId: string, deps: Pick<BotDeps, 'redis' | 'keys'>): Promise<void> {
  await deps.redis.del(deps.keys.approvals.mergeTargets(companyId));
}

/** Guild id → where the request was posted there. */
export async function postedMessages(subject: ApprovalSubject, deps: Pick<BotDeps, 'redis' | 'keys'>) {
  const raw = await deps.redis.hgetall(deps.keys.approvals.posted(subject));
  const result = new Map<string, { channelId: string; messageId: string }>();
  for (const [guildId, value] of Object.entries(raw)) {
    const parsed = PostedSchema.safeParse(value);
    if (parsed.success) result.set(guildId, parsed.data);
  }
  return result;
}

/**
 * Marks the request decided: every posted message (but the one being updated through the interaction,
 * `skipGuildId`) shows the outcome without buttons, and the records expire. Best effort per message:
 * a message deleted meanwhile is no reason to fail a decision.
 */
export async function closeRequest(
  subject: ApprovalSubject,
  outcome: Outcome,
  line: string,
  deps: Pick<BotDeps, 'redis' | 'keys' | 'rest' | 'logger'>,
  options: { skipGuildId?: string; at?: Date } = {},
): Promise<void> {
  const keys = deps.keys.approvals;
  for (const [guildId, { channelId, messageId }] of await postedMessages(subject, deps)) {
    if (guildId === options.skipGuildId) continue;
    try {
      const current = (await deps.rest.get(Routes.channelMessage(channelId, messageId))) as RESTGetAPIChannelMessageResult;
      const embed = decidedEmbed(current.embeds?.[0], outcome, line, options.at).toJSON();
      await deps.rest.patch(Routes.channelMessage(channelId, messageId), { body: { embeds: [embed], components: [] } });
    } catch (error) {
      deps.logger.warn({ err: loggableError(error), guildId, companyId: subject.companyId, userId: subject.userId }, 'could not close an approval request message');
    }
  }
  await deps.redis
    .multi()
    .srem(keys.open(subject.companyId), subject.userId)
    .expire(keys.posted(subject), DECIDED_TTL_SECONDS)
    .exec();
}

/** What the request says when the applicant was dealt with outside these buttons. */
export function settledElsewhereLine(applicant: User | null): string {
  if (!applicant) return 'No longer waiting: denied, merged or deleted in Valentina';
  if (applicant.role === 'DEACTIVATED') return 'No longer waiting: deactivated in Valentina';
  return `No longer waiting: already approved as ${applicant.role.toLowerCase()} in Valentina`;
}
