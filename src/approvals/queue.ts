/**
 * The approval-request queue: one job per (company, user), so the same request is never posted twice
 * however often it is enqueued (from the link flow, from reconciliation, or by hand). Completed jobs
 * are removed at once; the `posted` record in Redis is what keeps a later enqueue from posting again,
 * and it is kept per server, so a server bound later still gets the request.
 */
import { Queue, type KeepJobs } from 'bullmq';
import type { RedisConnection } from '../redis.js';
import type { ApprovalRequests } from '../discord/types.js';
import { z } from 'zod';
import { KEEP_FAILED_JOBS, QUEUE_NAMES } from '../queue/connection.js';

export const ApprovalJobSchema = z.object({
  companyId: z.string().uuid(),
  userId: z.string().uuid(),
  /** Set by a re-post: a new Discord nonce, so the new message is not folded into the old one. */
  generation: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/).optional(),
});
export type ApprovalJob = z.infer<typeof ApprovalJobSchema>;
export type ApprovalSubject = Pick<ApprovalJob, 'companyId' | 'userId'>;

export const RECONCILE_JOB = 'reconcile';
export const REQUEST_JOB = 'request';
export const APPROVAL_ATTEMPTS = 8;
export const APPROVAL_BACKOFF_MS = 2_000;
export const RECONCILE_EVERY_MS = 5 * 60_000;

/** `approval_<company>_<user>`: BullMQ job ids may not contain ':'. */
export const approvalJobId = (job: ApprovalSubject) => `approval_${job.companyId}_${job.userId}`;

/** Where a request was posted in one server. */
export const PostedSchema = z.string().regex(/^\d{15,21}:\d{15,21}$/).transform((raw) => {
  const [channelId, messageId] = raw.split(':') as [string, string];
  return { channelId, messageId };
});
export const postedValue = (channelId: string, messageId: string) => `${channelId}:${messageId}`;

/** The decision lock of one request: held while an admin decides, then the outcome for a while. */
export const DecisionStateSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('deciding'), by: z.string() }),
  z.object({ state: z.literal('decided'), summary: z.string() }),
]);
export type DecisionState = z.infer<typeof DecisionStateSchema>;

export class ApprovalQueue implements ApprovalRequests {
  readonly queue: Queue;

  /** `keepFailed`: failed requests kept for `/approvals pending` and inspection; default {@link KEEP_FAILED_JOBS}. */
  constructor(connection: RedisConnection, queuePrefix: string, keepFailed: KeepJobs = KEEP_FAILED_JOBS) {
    this.queue = new Queue(QUEUE_NAMES.approvals, {
      connection,
      prefix: queuePrefix,
      defaultJobOptions: {
        attempts: APPROVAL_ATTEMPTS,
        backoff: { type: 'exponential', delay: APPROVAL_BACKOFF_MS },
        removeOnComplete: true,
        removeOnFail: keepFailed,
      },
    });
  }

  /**
   * Asks for the request to be posted; a request already queued, running or failed is not added again
   * (a failed one only while the failed set keeps it: once trimmed, the next enqueue tries again).
   */
  async enqueue(job: ApprovalJob): Promise<void> {
    const data = ApprovalJobSchema.parse(job);
    await this.queue.add(REQUEST_JOB, data, { jobId: approvalJobId(data) });
  }

  /**
   * Posts the request again (e.g. after its message was deleted, or once posting had failed for
   * good): a failed or waiting job is replaced; one running now is left to finish.
   */
  async repost(job: ApprovalSubject, generation: string): Promise<'queued' | 'running'> {
    const existing = await this.queue.getJob(approvalJobId(job));
    if (existing) {
      if (await existing.isActive()) return 'running';
      await existing.remove();
    }
    await this.enqueue({ ...job, generation });
    return 'queued';
  }

  /** Failed requests (retries exhausted) of one company, newest first. */
  async failed(companyId: string): Promise<Array<{ userId: string; reason: string; at: number }>> {
    const jobs = await this.queue.getFailed(0, 999);
    return jobs
      .map((job) => ({ job, data: ApprovalJobSchema.safeParse(job.data) }))
      .filter(({ data }) => data.success && data.data.companyId === companyId)
      .map(({ job, data }) => ({ userId: data.data!.userId, reason: job.failedReason ?? 'unknown', at: job.finishedOn ?? job.timestamp }))
      .sort((a, b) => b.at - a.at);
  }

  /** Reconciliation every few minutes (one scheduler shared by all processes), and once now. */
  async scheduleReconciliation(now: Date = new Date()): Promise<void> {
    await this.queue.upsertJobScheduler(RECONCILE_JOB, { every: RECONCILE_EVERY_MS }, { name: RECONCILE_JOB, data: {} });
    // Processes starting in the same minute share one start-up run.
    await this.queue.add(RECONCILE_JOB, {}, { jobId: `reconcile_start_${Math.floor(now.getTime() / 60_000)}`, attempts: 3 });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
