/**
 * Redis locks with owner tokens, the one lock of the bot: a lock is `SET key token PX ttl NX`, and only
 * the holder of the token can release or renew it (an atomic compare in Lua). A holder that outlived
 * its lock's lifetime therefore cannot free a lock someone else has taken since, which a plain `DEL`
 * would do.
 */
import { randomUUID } from 'node:crypto';
import type { RedisConnection } from './redis.js';

const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";

export interface HeldLock {
  readonly key: string;
  /** The value stored under the key while the lock is held. */
  readonly token: string;
  /** Frees the lock if it is still this holder's; resolves with whether it was. */
  release(): Promise<boolean>;
  /** Gives the lock `ttlMs` more from now if it is still this holder's; resolves with whether it was. */
  renew(ttlMs: number): Promise<boolean>;
}

/** Takes the lock if it is free, else resolves with null. `token` defaults to a fresh UUID. */
export async function tryLock(redis: RedisConnection, key: string, ttlMs: number, token: string = randomUUID()): Promise<HeldLock | null> {
  if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) !== 'OK') return null;
  return {
    key,
    token,
    release: async () => Number(await redis.eval(RELEASE, 1, key, token)) === 1,
    renew: async (ms) => Number(await redis.eval(RENEW, 1, key, token, String(ms))) === 1,
  };
}

export interface AcquireOptions {
  /** How long the lock lives if its holder dies. */
  ttlMs: number;
  /** How long to wait for the holder to let go before giving up. */
  waitMs: number;
  /** Pause between attempts; default 15–50 ms, random so waiting processes do not move in step. */
  pollMs?: () => number;
  /** Called once, when the lock is found taken and the wait begins. */
  onWait?: () => void;
}

/** Takes the lock, waiting up to `waitMs` for it; resolves with null when it stayed taken. */
export async function acquireLock(redis: RedisConnection, key: string, options: AcquireOptions): Promise<HeldLock | null> {
  const deadline = Date.now() + options.waitMs;
  const pause = options.pollMs ?? (() => 15 + Math.random() * 35);
  for (let attempt = 0; ; attempt += 1) {
    const lock = await tryLock(redis, key, options.ttlMs);
    if (lock || Date.now() >= deadline) return lock;
    if (attempt === 0) options.onWait?.();
    await new Promise((resolve) => setTimeout(resolve, pause()));
  }
}

/**
 * Runs `action` holding the lock, renewed every third of its lifetime while the action runs (so it
 * outlives a slow action but not a dead holder), and released afterwards. When the lock stays taken
 * for `waitMs`, `busy()` is thrown instead.
 */
export async function withLock<T>(redis: RedisConnection, key: string, options: AcquireOptions & { busy: () => Error }, action: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(redis, key, options);
  if (!lock) throw options.busy();
  const renewal = setInterval(() => void lock.renew(options.ttlMs).catch(() => undefined), Math.max(1, Math.floor(options.ttlMs / 3)));
  try {
    return await action();
  } finally {
    clearInterval(renewal);
    await lock.release().catch(() => undefined);
  }
}

export interface FillOptions<T> {
  /** Claimed by the one process filling the entry; lives `ttlMs` (renewed while the fill runs). */
  claimKey: string;
  ttlMs: number;
  /** The entry as stored, or undefined while it is missing. */
  read: () => Promise<T | undefined>;
  /** Makes the value and stores it where `read` finds it. */
  fill: () => Promise<T>;
  /** How long to wait for another process's fill before filling anyway; default `ttlMs`. */
  waitMs?: number;
  /** Pause between reads while another process fills; default 25 ms. */
  pollMs?: number;
}

/**
 * Fills a missing cache entry once across processes: the process that claims `claimKey` fills it, the
 * others wait for it and read the entry the filler stored. A filler that fails or dies lets the claim go
 * (at once, or when it expires), and a waiter then claims it in its turn; a waiter that has waited
 * `waitMs` fills without the claim rather than keep its user waiting. Callers read the entry first: an
 * entry that is there never touches the claim.
 */
export async function fillOnce<T>(redis: RedisConnection, options: FillOptions<T>): Promise<T> {
  const deadline = Date.now() + (options.waitMs ?? options.ttlMs);
  const pollMs = options.pollMs ?? 25;
  for (;;) {
    const claim = await tryLock(redis, options.claimKey, options.ttlMs);
    if (claim) {
      const renewal = setInterval(() => void claim.renew(options.ttlMs).catch(() => undefined), Math.max(1, Math.floor(options.ttlMs / 3)));
      try {
        // The caller's miss may predate a fill that ended (and let the claim go) just before this claim.
        const filled = await options.read();
        return filled !== undefined ? filled : await options.fill();
      } finally {
        clearInterval(renewal);
        await claim.release().catch(() => undefined);
      }
    }
    // Another process is filling it: read its result once it is stored, or claim it once it gave up.
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      const filled = await options.read();
      if (filled !== undefined) return filled;
      if (!(await redis.exists(options.claimKey))) break;
    }
    if (Date.now() >= deadline) {
      // The filler may have stored it since the last read.
      const filled = await options.read();
      return filled !== undefined ? filled : options.fill();
    }
    // The claim is gone: the filler stored the entry just now (a read after its release sees it), or failed.
    const filled = await options.read();
    if (filled !== undefined) return filled;
  }
}
