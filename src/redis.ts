/**
 * Every Redis connection the bot opens, built from the configuration in one place: a single Redis
 * (REDIS_URL), a primary found through Redis Sentinel (REDIS_SENTINELS) or a Redis Cluster
 * (REDIS_CLUSTER_NODES). The rest of the bot holds a {@link RedisConnection} and never asks which.
 *
 * On a cluster, keys are routed by slot, so commands touching several keys (MULTI, MGET, Lua, BullMQ's
 * scripts) need all their keys in one slot: the configuration wraps the deployment prefix in a hash
 * tag (`{vbot}`), which puts every key of the deployment in the same slot.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { z } from 'zod';
import type { RedisSettings } from './config.js';

/** ioredis' client for one Redis or Sentinel, or its cluster client; BullMQ accepts both. */
export type RedisConnection = Redis | Cluster;

/**
 * What a connection is for.
 *   cache — the bot's own keys: a command fails after 2 retries instead of waiting out an outage;
 *   queue — BullMQ queues and workers: commands wait for Redis (BullMQ requires `maxRetriesPerRequest: null`).
 */
export type ConnectionPurpose = 'cache' | 'queue';

const PURPOSE_OPTIONS: Record<ConnectionPurpose, RedisOptions> = {
  cache: { maxRetriesPerRequest: 2, connectTimeout: 5_000 },
  queue: { maxRetriesPerRequest: null, enableReadyCheck: true },
};

export interface ConnectionOptions {
  /** Connect on the first command or `connect()` instead of at once. */
  lazyConnect?: boolean;
}

export function createRedisConnection(settings: RedisSettings, purpose: ConnectionPurpose, options: ConnectionOptions = {}): RedisConnection {
  const base: RedisOptions = { ...PURPOSE_OPTIONS[purpose], lazyConnect: options.lazyConnect ?? false };
  switch (settings.mode) {
    case 'standalone':
      return new Redis(settings.url, base);
    case 'sentinel':
      return new Redis({ ...base, ...sentinelOptions(settings) });
    case 'cluster':
      return new Cluster(settings.nodes, clusterOptions(settings, base));
  }
}

type SentinelSettings = Extract<RedisSettings, { mode: 'sentinel' }>;
type ClusterSettings = Extract<RedisSettings, { mode: 'cluster' }>;

/**
 * ioredis options for a primary found through the sentinels; REDIS_TLS applies to sentinels and data
 * nodes alike. The failover detector listens for the sentinels' `+switch-master` and reconnects to the
 * new primary at once, instead of writing to a demoted one until Sentinel reconfigures it.
 */
export function sentinelOptions(settings: SentinelSettings): RedisOptions {
  return {
    sentinels: settings.sentinels,
    name: settings.name,
    sentinelUsername: settings.sentinelUsername,
    sentinelPassword: settings.sentinelPassword,
    username: settings.username,
    password: settings.password,
    db: settings.db,
    role: 'master',
    failoverDetector: true,
    ...(settings.tls ? { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
  };
}

/** ioredis cluster options: `base` (and the credentials) apply to every node's connection. */
export function clusterOptions(settings: ClusterSettings, base: RedisOptions): ClusterOptions {
  const { lazyConnect, enableReadyCheck, ...perNode } = base;
  return {
    lazyConnect,
    enableReadyCheck: enableReadyCheck ?? true,
    redisOptions: {
      ...perNode,
      username: settings.username,
      password: settings.password,
      ...(settings.tls ? { tls: {} } : {}),
    },
  };
}

/** A stored JSON string as `schema` reads it, or null when there is none or it is not valid JSON of that shape. */
export function parseJson<S extends z.ZodType>(raw: string | null | undefined, schema: S): z.infer<S> | null {
  if (raw === null || raw === undefined) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The value at `key` as `schema` reads it, or null when there is none or it is not valid JSON of that shape. */
export async function readJson<S extends z.ZodType>(redis: RedisConnection, key: string, schema: S): Promise<z.infer<S> | null> {
  return parseJson(await redis.get(key), schema);
}
