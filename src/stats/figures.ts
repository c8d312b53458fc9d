/**
 * `/stats` figures from a short cache: a subject's statistics (a user's in a company, or the whole
 * company's) are read from Valentina at most once a minute, whatever `top` each asks for — the
 * cache holds the longest list of most-rolled traits and each answer takes the first `top`. A roll
 * through the bot drops the figures it changes, so a player who rolls sees it in `/stats` at once.
 *
 * Keys: `keys.stats` (src/keyspace.ts), one per subject.
 */
import { CachedJson } from '../cache/cached-json.js';
import type { StatsKeys } from '../keyspace.js';
import type { RedisConnection } from '../redis.js';
import { RollStatisticsSchema, type RollStatistics, type ValentinaClient } from '../valentina/index.js';

/** Seconds a subject's figures are trusted. */
export const STATS_CACHE_SECONDS = 60;
/** The most traits an answer can list (the `top` option's maximum); the cache always holds this many. */
export const STATS_TOP_MAX = 25;

export type StatsSubject = { kind: 'company'; companyId: string } | { kind: 'user'; companyId: string; userId: string };

export interface StatsSource {
  redis: RedisConnection;
  keys: StatsKeys;
  valentina: Pick<ValentinaClient, 'companies' | 'users'>;
  cache: StatsCache;
}

/** The figures cache; createApp makes the one of the process (`BotDeps.statsCache`). */
export type StatsCache = CachedJson<typeof RollStatisticsSchema>;

export const createStatsCache = (redis: RedisConnection): StatsCache => new CachedJson(redis, RollStatisticsSchema, STATS_CACHE_SECONDS);

const keyOf = (keys: StatsKeys, subject: StatsSubject) =>
  subject.kind === 'company' ? keys.company(subject.companyId) : keys.user(subject.companyId, subject.userId);

/** The subject's figures with at most `top` most-rolled traits, read as `onBehalfOf` when not cached. */
export async function statisticsOf(source: StatsSource, subject: StatsSubject, top: number, onBehalfOf: string): Promise<RollStatistics> {
  const query = { numTopTraits: STATS_TOP_MAX };
  const stats = await source.cache.get(keyOf(source.keys, subject), () =>
    subject.kind === 'company'
      ? source.valentina.companies.statistics(subject.companyId, query, { onBehalfOf })
      : source.valentina.users.statistics(subject.companyId, subject.userId, query, { onBehalfOf }),
  );
  return { ...stats, top_traits: stats.top_traits.slice(0, Math.max(0, top)) };
}

/** Drops cached figures, e.g. after a roll that counts in them. */
export async function forgetStatistics(source: Pick<StatsSource, 'redis' | 'keys'>, subjects: StatsSubject[]): Promise<void> {
  // One key per command: the keys may live on different nodes of a Redis Cluster.
  await Promise.all(subjects.map((subject) => source.redis.del(keyOf(source.keys, subject))));
}
