/**
 * The fake Valentina Noir API: an in-memory, loopback HTTP server that behaves like the real API
 * where a bot can notice (paths, auth, acting-user rules, permissions, errors, idempotency, rate
 * limits, the 60-second response cache), plus switches for tests: forced dice, injected faults, a request log and a Discord
 * token table.
 *
 *   const fake = await startFakeValentina();
 *   // fake.url = http://127.0.0.1:PORT (append /api/v1), fake.apiKey, fake.fixture.users.mara.id
 *   await fake.close();
 */
import { FIXTURE_IDS, STANDARD_FIXTURE, type SeededIds } from '../fixture.js';
import { DEFAULT_RATE_LIMITS, type BucketConfig } from './rate-limit.js';
import { FakeStore } from './store.js';
import { FaultController } from './faults.js';
import { RequestLog, type LoggedRequest, type RequestFilter } from './request-log.js';
import { DiceSource } from './dice.js';
import { ResponseCache } from './response-cache.js';
import { createDiscordVerifier, type DiscordTokenEntry } from './discord.js';
import { startServer } from './server.js';
import type { Fixture } from './model.js';

export type { BucketConfig } from './rate-limit.js';
export { CONTRACT_RATE_LIMITS, DEFAULT_RATE_LIMITS } from './rate-limit.js';
export type { FaultRule } from './faults.js';
export type { LoggedRequest, RequestFilter } from './request-log.js';
export type { DiscordTokenEntry, DiscordUserPayload } from './discord.js';
export type { FakeStore } from './store.js';
export type * from './model.js';
export type { SeededIds } from '../fixture.js';

export const DEFAULT_API_KEY = 'fake-valentina-key';

export interface FakeValentinaOptions {
  /** Port to bind; 0 / omitted picks a free one. */
  port?: number;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** The one accepted X-API-KEY; default `fake-valentina-key`. */
  apiKey?: string;
  /** Initial data; default the standard fixture, `false` starts empty (no companies, no access). */
  seed?: Fixture | false;
  /**
   * Base URL of a Discord-like API (e.g. `http://127.0.0.1:4000/api`); identify then calls
   * `GET {discordApiUrl}/users/@me`. Without it, tokens are looked up in `discordTokens`.
   */
  discordApiUrl?: string;
  /** Timeout of the Discord call; default 10 000 ms. */
  discordTimeoutMs?: number;
  /** Token buckets; default generous ones, `false` disables rate limiting. */
  rateLimits?: false | BucketConfig[];
  /** Random die source: returns an integer in 1..size. Default Math.random. */
  dice?: (size: number) => number;
  /** Clock in epoch ms (rate limits, idempotency TTL, response cache, timestamps). Default Date.now. */
  now?: () => number;
  /**
   * The 60-second server-side cache of "Cached" GETs (§1.11), flushed by successful audited writes.
   * Default on, as the live API; `false` answers every GET fresh.
   */
  responseCache?: boolean;
}

export interface FakeValentina {
  /** `http://127.0.0.1:PORT`, without `/api/v1`. */
  url: string;
  apiKey: string;
  /** Ids of the standard fixture (meaningful when started with it). */
  fixture: SeededIds;
  /** The in-memory state; tests may read and change it directly. */
  store: FakeStore;
  /** Every request received, oldest first (status is null while in flight or when dropped). */
  requests: LoggedRequest[];
  clearRequests(): void;
  countRequests(filter?: RequestFilter): number;
  faults: FaultController;
  /** Token → Discord `/users/@me` payload, `'reject'` (Discord 401) or `'unavailable'` (503). */
  discordTokens: Map<string, DiscordTokenEntry>;
  /** Queue die faces consumed before the random source, in roll order (player dice first). */
  forceDice(values: number[]): void;
  /**
   * Forgets every cached GET answer, as a write through the API would. A test that changes `store`
   * directly is a writer the bot's API key does not see, so the bot reads the old value for up to 60 s
   * unless the test calls this.
   */
  flushResponseCache(): void;
  close(): Promise<void>;
}

export async function startFakeValentina(options: FakeValentinaOptions = {}): Promise<FakeValentina> {
  const now = options.now ?? Date.now;
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const store = new FakeStore(now);
  const seed = options.seed ?? STANDARD_FIXTURE;
  if (seed !== false) store.load(seed);
  const log = new RequestLog();
  const faults = new FaultController();
  const dice = new DiceSource(options.dice);
  const responseCache = new ResponseCache(now, options.responseCache ?? true);
  const discordTokens = new Map<string, DiscordTokenEntry>();
  const verifyDiscord = createDiscordVerifier({
    baseUrl: options.discordApiUrl,
    timeoutMs: options.discordTimeoutMs ?? 10_000,
    tokens: discordTokens,
  });
  const server = await startServer({
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    apiKey,
    store,
    log,
    faults,
    dice,
    verifyDiscord,
    buckets: options.rateLimits === false ? [] : (options.rateLimits ?? DEFAULT_RATE_LIMITS),
    responseCache,
    now,
  });
  return {
    url: server.url,
    apiKey,
    fixture: FIXTURE_IDS,
    store,
    requests: log.entries,
    clearRequests: () => log.clear(),
    countRequests: (filter) => log.count(filter),
    faults,
    discordTokens,
    forceDice: (values) => dice.force(values),
    flushResponseCache: () => responseCache.clear(),
    close: () => server.close(),
  };
}
