/**
 * What a feature that consumes a queue provides to the worker registry (src/queue/workers.ts). Kept
 * apart from the registry, which imports every feature, so features can name these types without a
 * cycle.
 */
import type { BotDeps } from '../discord/types.js';
import type { RedisConnection } from '../redis.js';

export interface RunningWorker {
  /** Lets active jobs finish, then stops (bounded by the app on shutdown). */
  close(): Promise<void>;
  /** Resolves once its Redis connections answer, so it can take jobs (BullMQ's Worker). */
  waitUntilReady(): Promise<unknown>;
  /** True from its start until it is closed (BullMQ's Worker). */
  isRunning(): boolean;
}

export interface WorkerModule {
  /** Queue name, used as the `queue` label of `queue_depth`. */
  name: string;
  /** Starts the worker with its own blocking connection (`connection`, BullMQ settings). */
  start(deps: BotDeps, connection: RedisConnection): RunningWorker | Promise<RunningWorker>;
  /** Jobs waiting or delayed, for /metrics. */
  depth?(deps: BotDeps): Promise<number>;
}
