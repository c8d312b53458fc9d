/**
 * A session award's grants, one BullMQ job per award (job id from the command's interaction, so it
 * exists once) that grants the members one after the other and checkpoints each outcome in a Redis hash.
 *
 * Exactly once per member, across crashes: each grant goes through the grant core
 * ({@link performChange}: per-record lock, fresh read, proof after a lost answer) with its own
 * Idempotency-Key, `<interaction id>:xp-add:<member id>`. A worker killed mid-award leaves the job
 * stalled; BullMQ hands it to the next worker, which skips the members already in the checkpoint and
 * sends the interrupted member's write again with the same key — Valentina replays the stored answer
 * instead of granting again. Valentina keeps that answer an hour, so a grant cut off longer ago than
 * {@link RESEND_WINDOW_MS} is not re-sent but reported as unknown, to be checked.
 *
 * Pacing: before each member the job takes the grant's calls (fresh read and write) from the shared
 * request budget as background work, waiting while the budget is below the share kept for commands, so
 * a 30-member award neither meets Valentina's 429 nor starves the table's commands. The panel shows a
 * progress line, edited at most every {@link PROGRESS_EDIT_MS}, then the summary; the public record goes
 * to the channel (and the audit channel) through the delivery queue.
 */
import { Queue, Worker, type Job } from 'bullmq';
import { Routes } from 'discord.js';
import { z } from 'zod';
import { snowflake } from '../discord/snowflake.js';
import { describeError, loggableError, UnconfirmedChangeError, UserError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import { handOverAnswer } from '../discord/undelivered.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import { KEEP_FAILED_JOBS } from '../queue/connection.js';
import type { WorkerModule } from '../queue/worker-module.js';
import { parseJson, type RedisConnection } from '../redis.js';
import { ValentinaError, withRequestPriority } from '../valentina/index.js';
import type { ExperienceChangeRequest } from './change.js';
import { performChange } from './grant.js';
import { PERMISSION_MESSAGES } from './write.js';
import { retryDelayMs, WRITE_COST } from './queued.js';
import { GrantOutcomeSchema, granted, progressMessage, publicRecord, SessionAwardSchema, summaryMessage, type GrantOutcome, type SessionAward } from './session-panel.js';

export const XP_SESSION_QUEUE = 'xp-sessions';
/** Least time between two progress edits of the panel (Discord limits edits per interaction token). */
export const PROGRESS_EDIT_MS = 2_000;
/** How long the checkpoint is kept after the award (long past any retry of its job). */
const RESULTS_TTL_SECONDS = 7 * 24 * 3600;
/** How long Discord lets the bot edit the panel through the Confirm click's token. */
const TOKEN_LIFETIME_MS = 15 * 60_000;
/** Longest single wait for the budget before looking again. */
const MAX_BUDGET_WAIT_MS = 5_000;
/**
 * Valentina replays a write's stored answer for an hour (§1.10). A grant cut off longer ago than this is
 * not re-sent (it might run again): the summary says to check it instead.
 */
export const RESEND_WINDOW_MS = 50 * 60_000;

/** The checkpoint's marker of a grant being sent (replaced by its outcome once known). */
const SendingSchema = z.object({ status: z.literal('sending'), at: z.number().int() });

export const SessionJobSchema = z.object({
  session: SessionAwardSchema,
  /** The Confirm click's webhook: application id and token (a secret: never logged). */
  applicationId: snowflake,
  token: z.string().min(1),
  /** When the token stops working (epoch ms). */
  expiresAt: z.number().int(),
});
export type SessionJob = z.infer<typeof SessionJobSchema>;

export const sessionJobId = (interactionId: string) => `xpsession_${interactionId}`;

/** The session queue's producer side; createApp makes the one of the process (`BotDeps.xpSessionQueue`). */
export function createXpSessionQueue(connection: RedisConnection, prefix: string): Queue {
  return new Queue(XP_SESSION_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 5,
      backoff: { type: 'exponential', delay: 5_000 },
      // The payload holds the click's token: nothing kept once done.
      removeOnComplete: true,
      removeOnFail: { ...KEEP_FAILED_JOBS, age: 24 * 3600 },
    },
  });
}

/** Queues the award and answers with the panel's first progress line. */
export async function enqueueSession(session: SessionAward, click: { applicationId: string; token: string; createdTimestamp: number }, deps: BotDeps): Promise<ReplyMessage> {
  const job: SessionJob = { session, applicationId: click.applicationId, token: click.token, expiresAt: click.createdTimestamp + TOKEN_LIFETIME_MS };
  await deps.xpSessionQueue.add('session', job, { jobId: sessionJobId(session.interactionId) });
  return progressMessage(session, new Map());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the budget gives this grant its calls, as background work (the reserve stays for commands). */
async function takeBudget(deps: BotDeps): Promise<void> {
  for (;;) {
    const ticket = await deps.budget.acquire({ priority: 'background', cost: WRITE_COST, maxWaitMs: 0 });
    if (ticket.granted) return;
    await sleep(Math.min(MAX_BUDGET_WAIT_MS, Math.max(50, ticket.waitMs)) + Math.round(Math.random() * 100));
  }
}

const withRequestId = (message: string, error: unknown) => {
  const requestId = error instanceof ValentinaError ? error.requestId : error instanceof UnconfirmedChangeError && error.failure instanceof ValentinaError ? error.failure.requestId : undefined;
  return requestId && !message.includes(requestId) ? `${message} (request ${requestId})` : message;
};

/** One member's grant through the grant core; a 429 (nothing applied) waits and tries again. */
async function grantOne(session: SessionAward, memberId: string, binding: GuildBinding, deps: BotDeps): Promise<GrantOutcome> {
  const request: ExperienceChangeRequest = {
    kind: 'xp-add',
    interactionId: session.interactionId,
    part: memberId,
    guildId: session.guildId,
    actorDiscordId: session.actorDiscordId,
    target: { id: memberId, bot: false },
    targetName: session.members.find((m) => m.id === memberId)?.name ?? memberId,
    amount: session.amount,
    campaign: session.campaign,
    reason: session.reason,
  };
  for (;;) {
    await takeBudget(deps);
    try {
      const prepaid = { left: WRITE_COST };
      await withRequestPriority({ priority: 'background', maxWaitMs: 30_000, prepaid }, () => performChange(request, binding, deps, { audit: false }));
      return { status: 'granted' };
    } catch (error) {
      // Refused before anything was sent (a 429, the member's record held by another change): try again.
      const delay = retryDelayMs(error);
      if (delay !== undefined) {
        await sleep(Math.max(1_000, delay));
        continue;
      }
      const described = describeError(error);
      if (described.reference) deps.logger.error({ err: loggableError(error), reference: described.reference, interactionId: session.interactionId }, 'session award grant failed');
      return { status: 'failed', why: `— ${withRequestId(described.message, error)}` };
    }
  }
}

const isPermissionRefusal = (outcome: GrantOutcome) => outcome.status === 'failed' && Object.values(PERMISSION_MESSAGES).some((m) => outcome.why.includes(m));

/** Runs (or resumes) an award: grants everyone not in the checkpoint yet, then the summary and the record. */
export async function processSession(job: Job, deps: BotDeps): Promise<'done' | 'dropped'> {
  const parsed = SessionJobSchema.safeParse(job.data);
  if (!parsed.success) {
    deps.logger.error({ jobId: job.id, issues: parsed.error.issues.length }, 'session award job unreadable; dropped');
    return 'dropped';
  }
  const data = parsed.data;
  const { session } = data;
  const resultsKey = deps.keys.experience.sessionResults(session.interactionId);
  const results = new Map<string, GrantOutcome>();
  const sendingSince = new Map<string, number>();
  for (const [id, raw] of Object.entries(await deps.redis.hgetall(resultsKey))) {
    const value = parseJson(raw, z.unknown());
    const outcome = GrantOutcomeSchema.safeParse(value);
    if (outcome.success) results.set(id, outcome.data);
    const sending = SendingSchema.safeParse(value);
    if (sending.success) sendingSince.set(id, sending.data.at);
  }
  const checkpoint = (memberId: string, value: GrantOutcome | z.infer<typeof SendingSchema>) =>
    deps.redis.multi().hset(resultsKey, memberId, JSON.stringify(value)).expire(resultsKey, RESULTS_TTL_SECONDS).exec();
  const binding = await deps.bindings.get(session.guildId);
  let lastEdit = 0;
  let refusal: GrantOutcome | null = null;
  for (const member of granted(session)) {
    if (results.has(member.id)) continue;
    const since = sendingSince.get(member.id);
    let outcome: GrantOutcome;
    if (!binding) outcome = { status: 'failed', why: '— this server was disconnected from Valentina before the grant ran.' };
    else if (refusal) outcome = refusal;
    else if (since !== undefined && Date.now() - since > RESEND_WINDOW_MS) {
      outcome = { status: 'failed', why: '— the bot stopped while granting this, too long ago to send it again safely: it may or may not have been granted. Check with `/xp show`.' };
    } else {
      if (since === undefined) await checkpoint(member.id, { status: 'sending', at: Date.now() });
      outcome = await grantOne(session, member.id, binding, deps);
    }
    // Valentina refuses the storyteller for everyone alike: the rest are not sent.
    if (isPermissionRefusal(outcome)) refusal = outcome;
    await checkpoint(member.id, outcome);
    results.set(member.id, outcome);
    if (Date.now() - lastEdit >= PROGRESS_EDIT_MS) {
      lastEdit = Date.now();
      await editPanel(data, progressMessage(session, results), deps).catch(() => undefined);
    }
  }
  await finish(data, results, deps);
  return 'done';
}

async function finish(data: SessionJob, results: ReadonlyMap<string, GrantOutcome>, deps: BotDeps): Promise<void> {
  const { session } = data;
  const summary = summaryMessage(session, results);
  const record = publicRecord(session, results);
  if (record) {
    const message = { embeds: [record as Record<string, unknown>], allowed_mentions: { parse: [] } };
    if (session.channelId) await deps.deliveries.enqueue(`xp-session:${session.interactionId}`, { kind: 'channel', channelId: session.channelId, message });
    const audit = (await deps.bindings.get(session.guildId))?.auditChannelId;
    if (audit && audit !== session.channelId) await deps.deliveries.enqueue(`xp-session-audit:${session.interactionId}`, { kind: 'channel', channelId: audit, message });
  }
  try {
    await editPanel(data, summary, deps);
  } catch (error) {
    deps.logger.warn({ err: loggableError(error), interactionId: session.interactionId }, 'session award panel not edited; sending the summary by DM');
    const origin = { interactionId: session.interactionId, userId: session.actorDiscordId, guildId: session.guildId, channelId: session.channelId, action: 'Your session award' };
    await handOverAnswer(origin, summary, false, deps);
  }
}

async function editPanel(data: SessionJob, reply: ReplyMessage, deps: BotDeps): Promise<void> {
  if (Date.now() > data.expiresAt - 30_000) throw new UserError('the panel can no longer be edited');
  const embeds = (reply.embeds ?? []).map((embed) => ('toJSON' in embed ? embed.toJSON() : embed));
  await deps.rest.patch(Routes.webhookMessage(data.applicationId, data.token), { body: { embeds, components: [], allowed_mentions: { parse: [] } }, auth: false });
}

function startSessionWorker(deps: BotDeps, connection: RedisConnection): Worker {
  const worker = new Worker(XP_SESSION_QUEUE, (job: Job) => processSession(job, deps), {
    connection,
    prefix: deps.keys.queuePrefix,
    concurrency: 2,
    // A worker that died mid-award gives its job up within this long; the next one resumes it.
    lockDuration: 15_000,
    stalledInterval: 5_000,
    // Resuming is safe (checkpoint + idempotency keys): let a crashed award resume more than once.
    maxStalledCount: 10,
  });
  worker.on('failed', (job, error) => deps.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: loggableError(error) }, 'session award job failed'));
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'session award worker error'));
  return worker;
}

export const xpSessionWorker: WorkerModule = {
  name: XP_SESSION_QUEUE,
  start: startSessionWorker,
  depth: (deps) => deps.xpSessionQueue.getJobCountByTypes('waiting', 'prioritized', 'delayed'),
};
