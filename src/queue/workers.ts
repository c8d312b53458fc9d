/**
 * Background workers started by processes with the `worker` role. Each feature that consumes a queue
 * appends one entry; `src/app.ts` starts them all, reports their queue depth on /metrics and closes
 * them on shutdown.
 */
import type { RedisConnection } from '../redis.js';
import { approvalWorker } from '../approvals/index.js';
import { notesWorker } from '../notes/queue.js';
import type { BotDeps } from '../discord/types.js';

export interface RunningWorker {
  /** Lets active jobs finish, then stops (bounded by the app on shutdown). */
  close(): Promise<void>;
}

export interface WorkerModule {
  /** Queue name, used as the `queue` label of `queue_depth`. */
  name: string;
  /** Starts the worker with its own blocking connection (`connection`, BullMQ settings). */
  start(deps: BotDeps, connection: RedisConnection): RunningWorker | Promise<RunningWorker>;
  /** Jobs waiting or delayed, for /metrics. */
  depth?(deps: BotDeps): Promise<number>;
}

export const workers: WorkerModule[] = [approvalWorker, notesWorker];
