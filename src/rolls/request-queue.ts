/**
 * The producer side of roll-request expiry: one delayed job per request, named by the request, run
 * by the worker role when the request's time is up (src/rolls/expiry.ts).
 */
import { Queue } from 'bullmq';
import { z } from 'zod';
import { snowflake } from '../discord/snowflake.js';
import type { BotDeps } from '../discord/types.js';
import { KEEP_FAILED_JOBS } from '../queue/connection.js';
import type { RedisConnection } from '../redis.js';

export const ROLL_REQUEST_QUEUE = 'roll-requests';

export const ExpiryJobSchema = z.object({ requestId: snowflake });

export function createRollRequestQueue(connection: RedisConnection, prefix: string): Queue {
  return new Queue(ROLL_REQUEST_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: true, removeOnFail: KEEP_FAILED_JOBS },
  });
}

/** Schedules the request's expiry; the job id is the request's, so scheduling twice is a no-op. */
export async function scheduleExpiry(deps: BotDeps, requestId: string, delayMs: number): Promise<void> {
  await deps.rollRequests.add('expire', ExpiryJobSchema.parse({ requestId }), { jobId: `roll-request_${requestId}`, delay: Math.max(0, delayMs) });
}
