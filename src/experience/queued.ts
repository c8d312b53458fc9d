/**
 * XP changes when Valentina's request budget is spent. Instead of holding the user at "thinking…" or
 * failing, the change is queued: the budget reserves its calls (the fresh read and the write) for the
 * first moment it has them, the user is told at once when that is, and a BullMQ job (id from the
 * command's interaction, so it exists once) makes the change then — through {@link performChange}, so
 * with the same lock, fresh read before, idempotency key and proof after a lost answer as a change made
 * at once. When it lands the queued message is edited into the usual record (the interaction's token
 * lives 15 minutes); if it cannot be edited any more, the record goes to the channel through the
 * delivery queue. When even the company's campaign list cannot be read in time (a cold cache in a burst),
 * the change is queued with its campaign still to pick: the job reads the list with one more reserved call.
 * A change that finds its player's record locked by another change for the whole wait (a burst of
 * grants to one player, across processes) is queued too, rather than refused: nothing was sent yet.
 * Reserved calls stay with the job while it is tried again, and those it did not make are given back
 * to the budget when it has run.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { Routes } from 'discord.js';
import { z } from 'zod';
import { snowflake } from '../discord/snowflake.js';
import { describeError, loggableError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import { handOverAnswer } from '../discord/undelivered.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import { KEEP_FAILED_JOBS } from '../queue/connection.js';
import type { WorkerModule } from '../queue/worker-module.js';
import type { RedisConnection } from '../redis.js';
import { INTERACTIVE_MAX_WAIT_MS, ValentinaBudgetError, ValentinaRateLimitError, withRequestPriority } from '../valentina/index.js';
import { chooseCampaign, type ChosenCampaign } from './campaign.js';
import { ExperienceChangeRequestSchema, type ChangeDraft, type ExperienceChangeRequest } from './change.js';
import { performChange } from './grant.js';
import { RecordBusyError } from './serialize.js';

export const XP_QUEUE = 'xp-writes';
/** Valentina calls of one change: the fresh balance read and the write. */
export const WRITE_COST = 2;
/** One more when the job must read the company's campaign list first. */
const CAMPAIGN_READ_COST = 1;
/** The latest a change is queued for: well inside the 15 minutes its message can be edited. */
export const QUEUE_MAX_WAIT_MS = 10 * 60_000;
/** How long Discord lets the bot edit an interaction's answer. */
const TOKEN_LIFETIME_MS = 15 * 60_000;
/** A queued change waits this long at most for a token when its reserved ones were spent elsewhere. */
const JOB_MAX_WAIT_MS = 60_000;
/** A job that found its record locked by another change tries again after this. */
const BUSY_RETRY_MS = 2_000;

export const QueuedChangeSchema = z.object({
  /** The change; `campaign` is null when it is to be picked from `campaignOption` when the job runs. */
  request: ExperienceChangeRequestSchema.extend({ campaign: ExperienceChangeRequestSchema.shape.campaign.nullable() }),
  /** The command's `campaign:` option as typed (null: the server's default campaign). */
  campaignOption: z.string().nullable().default(null),
  /** The interaction's webhook: application id and token (a secret: never logged). */
  applicationId: snowflake,
  token: z.string().min(1),
  channelId: snowflake.nullable(),
  /** When the token stops working (epoch ms). */
  expiresAt: z.number().int(),
  /** Budget tokens reserved when it was queued. */
  prepaid: z.number().int().min(0),
});
export type QueuedChange = z.infer<typeof QueuedChangeSchema>;

export const queuedChangeJobId = (interactionId: string) => `xp_${interactionId}`;

/** The interaction a change came from, as far as queuing it needs. */
export interface ChangeOrigin {
  applicationId: string;
  token: string;
  channelId: string | null;
  createdTimestamp: number;
}

/** A change as queued: its campaign, or null while it is still to be picked. */
type QueuedRequest = ChangeDraft & { campaign: ChosenCampaign | null };

/** Why a change waits in the queue, as its message tells it. */
type QueuedBecause = 'budget' | 'busy';

/**
 * Picks the campaign and makes the change now when the budget has its calls within a short wait;
 * otherwise (or when the budget runs out on the way, before the write was sent) queues it and answers
 * when it will be applied. A campaign list that cannot be read for the budget queues the change too,
 * and so does a change whose record stays locked by another change.
 */
export async function changeNowOrQueue(
  draft: ChangeDraft,
  campaignOption: string | null,
  binding: GuildBinding,
  origin: ChangeOrigin,
  deps: BotDeps,
): Promise<ReplyMessage> {
  let campaign: ChosenCampaign;
  try {
    campaign = await chooseCampaign(campaignOption, binding, deps.directory);
  } catch (error) {
    // A 429 (ours or Valentina's) on the list: nothing was written, the job picks the campaign in its turn.
    if (!(error instanceof ValentinaRateLimitError)) throw error;
    return queueChange({ ...draft, campaign: null }, campaignOption, origin, deps, 'budget');
  }
  const request: ExperienceChangeRequest = { ...draft, campaign };
  const wait = await deps.budget.peek({ priority: 'interactive', cost: WRITE_COST });
  if (wait <= INTERACTIVE_MAX_WAIT_MS) {
    try {
      return await performChange(request, binding, deps, { origin });
    } catch (error) {
      // A 429 (ours or Valentina's) or a record that stayed locked means the write was not sent:
      // queuing it cannot apply it twice.
      if (error instanceof RecordBusyError) return queueChange(request, null, origin, deps, 'busy');
      if (!(error instanceof ValentinaRateLimitError)) throw error;
    }
  }
  return queueChange(request, null, origin, deps, 'budget');
}

async function queueChange(request: QueuedRequest, campaignOption: string | null, origin: ChangeOrigin, deps: BotDeps, because: QueuedBecause): Promise<ReplyMessage> {
  const cost = WRITE_COST + (request.campaign ? 0 : CAMPAIGN_READ_COST);
  const ticket = await deps.budget.acquire({ priority: 'interactive', cost, maxWaitMs: QUEUE_MAX_WAIT_MS });
  if (!ticket.granted) {
    throw new ValentinaBudgetError({ status: 429, detail: 'request budget spent', method: 'POST', endpoint: 'queued XP change', retryAfterMs: ticket.waitMs });
  }
  const job: QueuedChange = {
    request,
    campaignOption,
    applicationId: origin.applicationId,
    token: origin.token,
    channelId: origin.channelId,
    expiresAt: origin.createdTimestamp + TOKEN_LIFETIME_MS,
    prepaid: cost,
  };
  await deps.xpQueue.add('change', QueuedChangeSchema.parse(job), { jobId: queuedChangeJobId(request.interactionId), delay: ticket.waitMs });
  deps.logger.info(
    { interactionId: request.interactionId, inMs: ticket.waitMs, campaignPicked: request.campaign !== null, because },
    because === 'busy' ? 'XP change queued behind another change to the same record' : 'XP change queued until the request budget has room',
  );
  return queuedMessage(request, campaignOption, ticket.waitMs, because);
}

/** Where a queued change lands, as its message says it. */
function campaignLabel(campaign: ChosenCampaign | null, campaignOption: string | null): string {
  if (campaign) return `*${campaign.name}*`;
  const typed = campaignOption?.trim();
  return typed ? `the campaign “${typed.slice(0, 50)}”` : "this server's default campaign";
}

export function queuedMessage(
  request: Pick<QueuedRequest, 'kind' | 'amount' | 'target' | 'campaign'>,
  campaignOption: string | null,
  waitMs: number,
  because: QueuedBecause = 'budget',
): ReplyMessage {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const at = Math.ceil((Date.now() + waitMs) / 1000);
  const what = request.kind === 'cp-add' ? `${request.amount} cool point${request.amount === 1 ? '' : 's'}` : `${request.amount} XP`;
  const verb = request.kind === 'xp-remove' ? `Removing ${what} from` : `Giving ${what} to`;
  const when =
    because === 'busy'
      ? `will be applied as soon as another change to their experience there has gone through`
      : `will be applied in about ${seconds} s (<t:${at}:R>) — Valentina is busy right now`;
  return {
    content:
      `⏳ Queued: ${verb} <@${request.target.id}> in ${campaignLabel(request.campaign, campaignOption)} ${when}. ` +
      'This message will show the result; no need to send it again.',
    allowedMentions: { parse: [] },
    ephemeral: false,
  };
}

/** The XP queue's producer side; createApp makes the one of the process (`BotDeps.xpQueue`). */
export function createXpQueue(connection: RedisConnection, queuePrefix: string): Queue {
  return new Queue(XP_QUEUE, {
    connection,
    prefix: queuePrefix,
    defaultJobOptions: {
      attempts: 30,
      backoff: { type: 'custom' },
      // The payload holds the interaction's token: nothing kept once done.
      removeOnComplete: true,
      removeOnFail: { ...KEEP_FAILED_JOBS, age: 24 * 3600 },
    },
  });
}

/** Runs one queued change and edits its message with the outcome; a spent budget or a held record tries it again later. */
export async function processQueuedChange(job: Job, deps: BotDeps): Promise<'applied' | 'answered'> {
  const parsed = QueuedChangeSchema.safeParse(job.data);
  if (!parsed.success) return 'answered';
  const data = parsed.data;
  // The reserved calls not made yet: kept in the job's data while it is tried again.
  const prepaid = { left: data.prepaid };
  let reply: ReplyMessage;
  let outcome: 'applied' | 'answered' = 'applied';
  try {
    const binding = await deps.bindings.get(data.request.guildId);
    if (!binding) throw new Error('the server was disconnected from Valentina before a queued XP change ran');
    reply = await withRequestPriority({ priority: 'interactive', maxWaitMs: JOB_MAX_WAIT_MS, prepaid }, async () => {
      const campaign = data.request.campaign ?? (await chooseCampaign(data.campaignOption, binding, deps.directory));
      return performChange({ ...data.request, campaign }, binding, deps, { origin: data });
    });
  } catch (error) {
    // Not applied (a 429 or a locked record is refused before the write): try again while the message can still be edited.
    if (retryable(error, data) && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) {
      if (prepaid.left !== data.prepaid) await job.updateData({ ...data, prepaid: prepaid.left });
      throw error;
    }
    outcome = 'answered';
    reply = failureMessage(error, data, deps);
  }
  await refundUnused(prepaid, deps);
  await editOriginal(data, reply, deps);
  return outcome;
}

/**
 * How long to wait before trying a change again after `error`, when it is a refusal that came before
 * anything was sent (a 429, ours or Valentina's, or a record another change held); undefined for any
 * other error. Queued changes (BullMQ's backoff) and session awards retry by it.
 */
export function retryDelayMs(error: unknown): number | undefined {
  if (error instanceof ValentinaRateLimitError) return error.retryAfterMs;
  if (error instanceof RecordBusyError) return BUSY_RETRY_MS;
  return undefined;
}

/** Whether an attempt refused before anything was sent is tried again: while the message can still be edited after it. */
function retryable(error: unknown, data: QueuedChange): boolean {
  const delay = retryDelayMs(error);
  return delay !== undefined && Date.now() + delay < data.expiresAt - 60_000;
}

/**
 * Gives the budget back the reserved calls the change did not make (its campaign list was cached by
 * then, a read was shared with another command's): the budget would otherwise count calls Valentina
 * never received, and refuse later commands for them.
 */
async function refundUnused(prepaid: { left: number }, deps: BotDeps): Promise<void> {
  const unused = prepaid.left;
  prepaid.left = 0;
  // The change is done either way: a refund that fails only leaves the budget more careful for a while.
  if (unused > 0) await deps.budget.refund(unused).catch((error: unknown) => deps.logger.warn({ err: loggableError(error), unused }, 'reserved Valentina calls not given back'));
}

function failureMessage(error: unknown, data: QueuedChange, deps: BotDeps): ReplyMessage {
  if (error instanceof ValentinaRateLimitError) {
    return { content: `Valentina stayed busy, so this change was not applied. Nothing was changed: send the command again later.`, allowedMentions: { parse: [] } };
  }
  const described = describeError(error);
  if (described.reference) deps.logger.error({ err: loggableError(error), reference: described.reference, interactionId: data.request.interactionId }, 'queued XP change failed');
  return { content: `The queued change could not be made. ${described.message}`, allowedMentions: { parse: [] } };
}

async function editOriginal(data: QueuedChange, reply: ReplyMessage, deps: BotDeps): Promise<void> {
  const embeds = (reply.embeds ?? []).map((embed) => ('toJSON' in embed ? embed.toJSON() : embed));
  const components = (reply.components ?? []).map((row) => ('toJSON' in row ? row.toJSON() : row));
  const body = { content: reply.content ?? '', embeds, components, allowed_mentions: { parse: [] } };
  try {
    await deps.rest.patch(Routes.webhookMessage(data.applicationId, data.token), { body, auth: false });
  } catch (error) {
    deps.logger.warn({ err: loggableError(error), interactionId: data.request.interactionId }, 'a queued XP change could not edit its message; sending the outcome to the channel');
    const origin = { interactionId: data.request.interactionId, userId: data.request.actorDiscordId, guildId: data.request.guildId, channelId: data.channelId, action: 'Your queued XP change' };
    await handOverAnswer(origin, reply, true, deps);
  }
}

function startXpWorker(deps: BotDeps, connection: RedisConnection): Worker {
  const worker = new Worker(XP_QUEUE, (job: Job) => processQueuedChange(job, deps), {
    connection,
    prefix: deps.keys.queuePrefix,
    concurrency: 8,
    lockDuration: 30_000,
    stalledInterval: 10_000,
    settings: {
      backoffStrategy: (_attempts: number, _type?: string, error?: Error) => (retryDelayMs(error) ?? 2_000) + Math.round(Math.random() * 500),
    },
  });
  worker.on('failed', (job, error) => deps.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: loggableError(error) }, 'queued XP change not applied yet'));
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'XP worker error'));
  return worker;
}

export const xpWorker: WorkerModule = {
  name: XP_QUEUE,
  start: startXpWorker,
  depth: (deps) => deps.xpQueue.getJobCountByTypes('waiting', 'prioritized', 'delayed'),
};
