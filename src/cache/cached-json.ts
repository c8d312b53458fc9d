/**
 * A small read-through cache in Redis for lists that autocomplete and pickers need fast (campaigns,
 * companies, quickrolls, characters). Values are validated with zod when read. Concurrent misses in one
 * process share one load; with a `fillClaim`, concurrent misses in several processes do too (one fills,
 * the others read what it stored: {@link fillOnce}).
 */
import { fillOnce } from '../redis-lock.js';
import type { RedisConnection } from '../redis.js';
import type { z } from 'zod';

/** How long a filling process holds the claim before another may fill (renewed while it loads). */
const FILL_CLAIM_MS = 5_000;

export interface CachedJsonOptions {
  /** The claim key of a cache key (src/keyspace.ts): misses across processes share one load. */
  fillClaim?: (key: string) => string;
}

export class CachedJson<S extends z.ZodTypeAny> {
  private readonly inFlight = new Map<string, Promise<z.infer<S>>>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly schema: S,
    private readonly ttlSeconds: number,
    private readonly options: CachedJsonOptions = {},
  ) {}

  /** The cached value, or `load()`'s result stored for the TTL. */
  async get(key: string, load: () => Promise<z.infer<S>>): Promise<z.infer<S>> {
    // Joined before the cache is read: a caller that read a miss while the load was being stored cannot start a second one.
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const promise = this.readOrFill(key, load).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, promise);
    return promise;
  }

  private async readOrFill(key: string, load: () => Promise<z.infer<S>>): Promise<z.infer<S>> {
    const cached = await this.peek(key);
    if (cached !== undefined) return cached;
    const fill = async () => {
      const value = this.schema.parse(await load());
      await this.redis.set(key, JSON.stringify(value), 'EX', this.ttlSeconds);
      return value;
    };
    const claimKey = this.options.fillClaim?.(key);
    if (claimKey === undefined) return fill();
    return fillOnce(this.redis, { claimKey, ttlMs: FILL_CLAIM_MS, read: () => this.peek(key), fill });
  }

  /** The cached value without loading (undefined on a miss or an unreadable entry). */
  async peek(key: string): Promise<z.infer<S> | undefined> {
    const raw = await this.redis.get(key);
    if (raw === null) return undefined;
    try {
      const parsed = this.schema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: z.infer<S>): Promise<void> {
    await this.redis.set(key, JSON.stringify(this.schema.parse(value)), 'EX', this.ttlSeconds);
  }

  async invalidate(key: string): Promise<void> {
    await this.redis.del(key);
  }
}

/**
 * The item an option names exactly: its id (autocomplete sends ids) or, when typed by hand, its name,
 * both case-insensitively.
 */
export function exactChoice<T extends { id: string; name: string }>(items: readonly T[], option: string): T | undefined {
  const typed = option.trim().toLowerCase();
  return items.find((item) => item.id.toLowerCase() === typed) ?? items.find((item) => item.name.toLowerCase() === typed);
}

/** What an option names: the exact item ({@link exactChoice}), else the only one whose name contains it. */
export function pickChoice<T extends { id: string; name: string }>(items: readonly T[], option: string): T | undefined {
  const exact = exactChoice(items, option);
  if (exact) return exact;
  const near = matchChoices(items, option, 2);
  return near.length === 1 ? near[0] : undefined;
}

/** Autocomplete matching: any part of the name, case- and accent-insensitive; prefix matches first. */
export function matchChoices<T extends { name: string }>(items: readonly T[], query: string, limit = 25): T[] {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
  const q = fold(query.trim());
  if (!q) return items.slice(0, limit);
  const scored = items
    .map((item) => ({ item, at: fold(item.name).indexOf(q) }))
    .filter((s) => s.at >= 0)
    .sort((a, b) => (a.at === 0 ? 0 : 1) - (b.at === 0 ? 0 : 1) || a.item.name.localeCompare(b.item.name));
  return scored.slice(0, limit).map((s) => s.item);
}
