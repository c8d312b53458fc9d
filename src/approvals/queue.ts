/**
 * The approval-request queue: one job per (company, user), so the same request is never posted twice
 * however often it is enqueued (from the link flow, from reconciliation, or by hand).
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { QUEUE_NAMES } from '../queue/connection.js';

export const ApprovalJobSchema = z.object({ companyId: z.string().uuid(), userId: z.string().uuid() });
export type ApprovalJob = z.infer<typeof ApprovalJobSchema>;
export const ReconcileJobSchema = z.object({ reconcile: z.literal(true) });

export const APPROVAL_ATTEMPTS = 8;
export const RECONCILE_EVERY_MS = 5 * 60_000;

export const approvalJobId = (job: ApprovalJob) => `approval_${job.companyId}_${job.userId}`;

/** Redis keys of the approval feature. */
export const approvalKeys = (prefix: string) => ({
  /** Hash guildId → messageId of posted requests. */
  posted: (job: ApprovalJob) => `${prefix}:approval-posted:${job.companyId}:${job.userId}`,
  /** Set while a decision is being made, then the outcome for a day. */
  decision: (job: ApprovalJob) => `${prefix}:approval-decision:${job.companyId}:${job.userId}`,
});

export class ApprovalQueue {
  readonly queue: Queue;

  constructor(connection: Redis, prefix: string) {
    this.queue = new Queue(QUEUE_NAMES.approvals, {
      connection,
      prefix,
      defaultJobOptions: {
        attempts: APPROVAL_ATTEMPTS,
        backoff: { type: 'exponential', delay: 2_000 },
        removeOnComplete: { age: 3600 },
        removeOnFail: false,
      },
    });
  }

  /** Asks for the request to be posted; a request already queued or running is not added again. */
  async enqueue(job: ApprovalJob): Promise<void> {
    const data = ApprovalJobSchema.parse(job);
    await this.queue.add('request', data, { jobId: approvalJobId(data) });
  }

  /** Runs reconciliation now and every few minutes (idempotent across processes). */
  async scheduleReconciliation(): Promise<void> {
    await this.queue.upsertJobScheduler('reconcile', { every: RECONCILE_EVERY_MS, immediately: true }, { name: 'reconcile', data: { reconcile: true } });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
