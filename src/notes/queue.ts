/**
 * The notes queue (BullMQ, in Redis): one job per burst of DMs, id `note_<first message id>`.
 * The job waits until the burst is quiet, then seals it and saves its note(s) in Valentina
 * (save.ts). While Valentina is down or rate limiting, the job is retried with backoff — the note is
 * pending, never lost, also across restarts — and the user hears once that it is pending and again
 * when it is saved.
 */
import { Queue, Worker } from 'bullmq';
import type { RedisConnection } from '../redis.js';
import type { BotDeps } from '../discord/types.js';
import { loggableError } from '../discord/errors.js';
import { inBackground } from '../queue/background.js';
import { KEEP_FAILED_JOBS, QUEUE_NAMES } from '../queue/connection.js';
import type { WorkerModule } from '../queue/worker-module.js';
import { BurstJobSchema, burstJobId, NOTE_ATTEMPTS, retryDelay, type BurstJobInput } from './job.js';
import { burstSettings } from './settings.js';
import { processBurst } from './save.js';

/** The notes queue's producer side; createApp makes the one of the process (`BotDeps.notesQueue`). */
export function createNotesQueue(connection: RedisConnection, queuePrefix: string): Queue {
  return new Queue(QUEUE_NAMES.notes, {
    connection,
    prefix: queuePrefix,
    defaultJobOptions: {
      attempts: NOTE_ATTEMPTS,
      backoff: { type: 'custom' },
      removeOnComplete: { age: 3600, count: 10_000 },
      // Two weeks rather than one: a failed burst holds the text of the user's note.
      removeOnFail: { ...KEEP_FAILED_JOBS, age: 14 * 24 * 3600 },
    },
  });
}

/** Makes sure the burst has its job (a no-op when it exists): called for every message of the burst. */
export async function scheduleBurst(deps: BotDeps, job: BurstJobInput, delayMs: number): Promise<void> {
  await deps.notesQueue.add('burst', BurstJobSchema.parse(job), { jobId: burstJobId(job.burstId), delay: Math.max(0, delayMs) });
}

/** Runs waiting bursts now (after the user picked a company). */
export async function releaseBursts(deps: BotDeps, burstIds: readonly string[]): Promise<void> {
  const queue = deps.notesQueue;
  for (const id of burstIds) {
    const job = await queue.getJob(burstJobId(id));
    if (job && (await job.isDelayed())) await job.promote().catch(() => undefined);
  }
}

function startNotesWorker(deps: BotDeps, connection: RedisConnection): Worker {
  const settings = burstSettings();
  // Saving a note runs in the background: only from the budget commands leave spare (a refusal retries later).
  const worker = new Worker(QUEUE_NAMES.notes, (job, token) => inBackground(job, token, () => processBurst(job, token, deps, settings)), {
    connection,
    prefix: deps.keys.queuePrefix,
    concurrency: 8,
    // A worker that dies holds its job this long before another process (or the restarted one) takes it.
    lockDuration: 15_000,
    stalledInterval: 5_000,
    settings: { backoffStrategy: (attemptsMade, _type, error) => retryDelay(attemptsMade, error) },
  });
  worker.on('failed', (job, error) =>
    deps.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: loggableError(error) }, 'note not saved yet'),
  );
  worker.on('error', (error) => deps.logger.warn({ err: error }, 'notes worker error'));
  return worker;
}

export const notesWorker: WorkerModule = {
  name: QUEUE_NAMES.notes,
  start: startNotesWorker,
  depth: (deps) => deps.notesQueue.getJobCountByTypes('waiting', 'prioritized', 'delayed'),
};
