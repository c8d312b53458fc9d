/**
 * "Nothing more will happen" as an observable event: the bot's BullMQ queues hold no job that is
 * waiting, running or due for a retry. A test that checks a message was posted once waits for this
 * rather than sleeping "long enough for a duplicate": once the queues are idle, no job is left that
 * could post one. A job scheduler's next run (e.g. the approvals reconciliation every few minutes) is
 * not work in progress and does not count.
 */
import { Queue } from 'bullmq';
import { pendingJobs } from '../../packages/sandbox/src/queues.js';
import { XP_QUEUE } from '../../src/experience/queued.js';
import { createKeyspace } from '../../src/keyspace.js';
import { QUEUE_NAMES } from '../../src/queue/connection.js';
import type { RedisConnection } from '../../src/redis.js';

/** Every BullMQ queue the bot runs. */
export const BOT_QUEUES: readonly string[] = [...Object.values(QUEUE_NAMES), XP_QUEUE];

/**
 * Resolves once none of `names` (default: every queue of the bot) has pending work, as
 * {@link pendingJobs} counts it, on the deployment whose keys start with `redisPrefix`.
 */
export async function waitForIdleQueues(
  connection: RedisConnection,
  redisPrefix: string,
  names: readonly string[] = BOT_QUEUES,
  timeoutMs = 30_000,
): Promise<void> {
  // Sharing the caller's connection: closing these queues leaves it open.
  const queues = names.map((name) => new Queue(name, { connection, prefix: createKeyspace(redisPrefix).queuePrefix }));
  try {
    await waitForIdle(queues, timeoutMs);
  } finally {
    await Promise.all(queues.map((queue) => queue.close()));
  }
}

/** Resolves once none of `queues` has pending work, as {@link pendingJobs} counts it. */
export async function waitForIdle(queues: readonly Queue[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pending = await Promise.all(queues.map((queue) => pendingJobs(queue)));
    if (pending.every((count) => count === 0)) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for the ${queues.map((queue) => queue.name).join(', ')} queue(s) to be idle (${pending.join(', ')} pending)`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Runs BullMQ's clock on for the jobs a killed process left running in `queue`: their locks run out (as
 * they would a worker's `lockDuration` after its last renewal) and a stalled-job check has seen them (as
 * the next one would, within a `stalledInterval`). The first check of a live worker — every worker runs
 * one when it starts — then takes them over, by the bot's own rules (its `maxStalledCount`), as it would
 * have 10–20 s later. Call it only once the process that ran the jobs is dead: a live one would lose them.
 * `connection` reaches the queue's Redis. Returns the ids of the jobs taken away from the dead process.
 */
export async function expireLocksOfKilledProcess(queue: Queue, connection: RedisConnection): Promise<string[]> {
  const ids = (await queue.getActive()).flatMap((job) => (job.id === undefined ? [] : [job.id]));
  const expire = connection.multi();
  for (const id of ids) expire.del(`${queue.toKey(id)}:lock`);
  if (ids.length > 0) expire.sadd(queue.keys.stalled!, ...ids);
  expire.del(queue.keys['stalled-check']!);
  await expire.exec();
  return ids;
}
