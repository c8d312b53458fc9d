/**
 * The approval worker: posts each request to the approvals channel of every server bound to the
 * company, once. A request already posted in a server is not posted again (the `posted` record), and
 * the moment between posting and recording is covered by a Discord nonce derived from the job, so a
 * worker killed right after posting does not post twice when the job is retried. A user who is no
 * longer waiting is skipped. Failures (Discord or Valentina) are retried with backoff; a job that runs
 * out of attempts stays in the failed set (bounded: KEEP_FAILED_JOBS), counted on /metrics and listed by
 * `/approvals pending`.
 */
import { createHash } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Routes, type RESTPostAPIChannelMessageResult } from 'discord.js';
import type { RedisConnection } from '../redis.js';
import { Gauge } from 'prom-client';
import type { BotDeps } from '../discord/types.js';
import { loggableError } from '../discord/errors.js';
import { inBackground } from '../queue/background.js';
import { QUEUE_NAMES } from '../queue/connection.js';
import type { RunningWorker } from '../queue/worker-module.js';
import { requestComponents, requestEmbed } from './message.js';
import { approvalJobId, ApprovalJobSchema, postedValue, RECONCILE_JOB, type ApprovalJob } from './queue.js';
import { reconcile } from './reconcile.js';
import { fetchApplicant, mergeTargets } from './requests.js';

/** A worker that dies holds its jobs this long before another process takes them over. */
export const LOCK_DURATION_MS = 10_000;
const STALLED_INTERVAL_MS = 5_000;

/** The Discord nonce of one request in one server (at most 25 characters). */
export function requestNonce(job: ApprovalJob, guildId: string): string {
  return createHash('sha256').update(`${approvalJobId(job)}:${guildId}:${job.generation ?? ''}`).digest('base64url').slice(0, 25);
}

/** Posts the request where it is missing; returns how many servers got it now. */
export async function postRequest(job: ApprovalJob, deps: BotDeps): Promise<number> {
  const applicant = await fetchApplicant(job, deps);
  if (applicant?.role !== 'UNAPPROVED') return 0;
  const keys = deps.keys.approvals;
  const [guilds, posted] = await Promise.all([deps.bindings.guildsForCompany(job.companyId), deps.redis.hgetall(keys.posted(job))]);
  const missing = guilds.filter((binding) => !posted[binding.guildId]);
  if (missing.length === 0) return 0;
  const targets = await mergeTargets(job, deps);
  const components = requestComponents(job.companyId, job.userId, targets).map((row) => row.toJSON());
  const failures: unknown[] = [];
  for (const binding of missing) {
    try {
      const body = {
        embeds: [requestEmbed(applicant, binding.companyName, binding.showEmailInApprovals).toJSON()],
        components,
        allowed_mentions: { parse: [] },
        nonce: requestNonce(job, binding.guildId),
        enforce_nonce: true,
      };
      const message = (await deps.rest.post(Routes.channelMessages(binding.approvalsChannelId), { body })) as RESTPostAPIChannelMessageResult;
      await deps.redis
        .multi()
        .hset(keys.posted(job), binding.guildId, postedValue(binding.approvalsChannelId, message.id))
        .persist(keys.posted(job))
        .sadd(keys.open(job.companyId), job.userId)
        .exec();
    } catch (error) {
      deps.logger.warn({ err: loggableError(error), guildId: binding.guildId, companyId: job.companyId }, 'could not post an approval request');
      failures.push(error);
    }
  }
  if (failures.length > 0) {
    const reason = failures.map(describeFailure).join('; ');
    // A channel that is gone or closed to the bot stays so until someone fixes /setup: no retries.
    if (failures.every(isPermanentDiscordError)) throw new UnrecoverableError(reason);
    throw new Error(reason);
  }
  return missing.length;
}

export async function processApprovalJob(job: Job, deps: BotDeps): Promise<{ posted: number } | { enqueued: number; closed: number }> {
  if (job.name === RECONCILE_JOB) return reconcile(deps);
  const parsed = ApprovalJobSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError('malformed approval job');
  return { posted: await postRequest(parsed.data, deps) };
}

export function startApprovalWorker(deps: BotDeps, connection: RedisConnection): RunningWorker {
  // Nobody waits on a posting or a reconciliation: they spend only the budget commands leave spare.
  const worker = new Worker(QUEUE_NAMES.approvals, (job: Job, token?: string) => inBackground(job, token, () => processApprovalJob(job, deps)), {
    connection,
    prefix: deps.keys.queuePrefix,
    concurrency: 4,
    lockDuration: LOCK_DURATION_MS,
    stalledInterval: STALLED_INTERVAL_MS,
    maxStalledCount: 2,
  });
  worker.on('failed', (job, error) => deps.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: loggableError(error) }, 'approval job failed'));
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'approval worker error'));
  registerFailedGauge(deps);
  void deps.approvals
    .scheduleReconciliation()
    .catch((error: unknown) => deps.logger.warn({ err: error }, 'could not schedule approval reconciliation'));
  return worker;
}

/** `approval_requests_failed`: requests whose posting ran out of attempts. */
function registerFailedGauge(deps: BotDeps): void {
  const registry = deps.metrics.registry;
  if (registry.getSingleMetric('approval_requests_failed')) return;
  new Gauge({
    name: 'approval_requests_failed',
    help: 'Approval requests that could not be posted after every retry (see /approvals pending).',
    registers: [registry],
    async collect() {
      try {
        this.set(await deps.approvals.queue.getFailedCount());
      } catch {
        // Left out of this scrape when Redis cannot be read.
      }
    },
  });
}

function statusOf(error: unknown): number | undefined {
  const status = typeof error === 'object' && error !== null ? (error as { status?: unknown }).status : undefined;
  return typeof status === 'number' ? status : undefined;
}

function isPermanentDiscordError(error: unknown): boolean {
  const status = statusOf(error);
  return status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429;
}

function describeFailure(error: unknown): string {
  const status = statusOf(error);
  const message = error instanceof Error ? error.message : 'unknown error';
  return status === undefined ? message : `Discord ${status}: ${message}`;
}
