/**
 * Roll requests expire: one delayed job per request, run by the worker role when the request's time
 * is up. The job claims the request as expired (unless its player rolled it first) and edits the
 * request message to say so, with its button disabled. A job that runs again finds the claim taken.
 */
import { Worker, type Job } from 'bullmq';
import { loggableError } from '../discord/errors.js';
import type { BotDeps } from '../discord/types.js';
import type { WorkerModule } from '../queue/worker-module.js';
import type { RedisConnection } from '../redis.js';
import { expireRequest } from './request.js';
import { ExpiryJobSchema, ROLL_REQUEST_QUEUE } from './request-queue.js';

function startExpiryWorker(deps: BotDeps, connection: RedisConnection): Worker {
  const worker = new Worker(
    ROLL_REQUEST_QUEUE,
    async (job: Job) => {
      const parsed = ExpiryJobSchema.safeParse(job.data);
      if (!parsed.success) return 'malformed';
      return expireRequest(deps, parsed.data.requestId);
    },
    { connection, prefix: deps.keys.queuePrefix, concurrency: 4 },
  );
  worker.on('failed', (job, error) => deps.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: loggableError(error) }, 'a roll request could not be marked expired yet'));
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'roll request worker error'));
  return worker;
}

export const rollRequestWorker: WorkerModule = {
  name: ROLL_REQUEST_QUEUE,
  start: startExpiryWorker,
  depth: (deps) => deps.rollRequests.getJobCountByTypes('waiting', 'prioritized'),
};
