/**
 * Naming for BullMQ, and a queue connection to one Redis URL for scripts and tests (the bot builds
 * its connections from the configuration with `createRedisConnection`, src/redis.ts). BullMQ needs
 * `maxRetriesPerRequest: null` on the connections its workers block on, and forbids ioredis'
 * `keyPrefix`: queues are namespaced with BullMQ's own `prefix` instead, `keys.queuePrefix`
 * (src/keyspace.ts: the deployment's prefix, hash-tagged on a cluster, so `{vbot}:bull`).
 */
import type { KeepJobs } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

export function createQueueConnection(url: string, options: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
}

/**
 * How many failed jobs (retries exhausted) a queue keeps for an operator to inspect, and how long:
 * whenever another job fails, BullMQ drops the failed jobs beyond either bound, oldest first.
 */
export const KEEP_FAILED_JOBS: KeepJobs = { age: 7 * 24 * 3600, count: 1_000 };

export const QUEUE_NAMES = {
  deliveries: 'deliveries',
  approvals: 'approvals',
  notes: 'notes',
} as const;
