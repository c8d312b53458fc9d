/**
 * One XP change at a time per (user, campaign). Valentina's experience writes are read-modify-write
 * without locking, so two concurrent grants to the same record can lose one. Changes queue up in
 * this process (no polling, first come first served), and a short Redis lock keeps other bot processes
 * out as well. The lock is renewed while its holder works (a change reads the balance, writes, and may
 * read and write again when Valentina's answer is lost), so it outlives every step of a slow change but
 * not a dead holder.
 */
import type { RedisConnection } from '../redis.js';
import { withLock } from '../redis-lock.js';
import { UserError } from '../discord/errors.js';
import { noteWaiting } from '../discord/interaction-scope.js';
import type { ExperienceChangeLocks } from '../discord/types.js';

export interface SerializeOptions {
  /** How long the Redis lock lives if its holder dies; renewed every third of it while held. Default 15 000 ms. */
  lockMs?: number;
  /**
   * How long to wait for another process's change before giving up. Default 5 000 ms: a change holds the
   * record for a fresh read and a write, well under a second unless it waits for Valentina itself, and
   * every caller handles the refusal without losing the change (queued, tried again, or the button kept).
   */
  waitMs?: number;
}

export const BUSY_MESSAGE = 'Another change to this player’s experience in this campaign is still going through. Try again in a moment.';

/**
 * The record stayed locked by another change for the whole wait. Thrown before anything was read or
 * sent, so the change can be queued or tried again without ever applying it twice.
 */
export class RecordBusyError extends UserError {
  constructor() {
    super(BUSY_MESSAGE);
  }
}

/** The changes of one process, one at a time per lock key; createApp makes the one of the process (`BotDeps.experienceLocks`). */
export class ExperienceLocks implements ExperienceChangeLocks {
  /** Tail of the queue of changes waiting in this process, per key. */
  readonly #queued = new Map<string, Promise<unknown>>();

  constructor(private readonly redis: RedisConnection) {}

  /** Runs `action` once no other change holds `key` (`keys.experience.lock(…)`), here or in another process. */
  async oneAtATime<T>(key: string, action: () => Promise<T>, options: SerializeOptions = {}): Promise<T> {
    const waiting = this.#queued.get(key);
    // Waiting behind another change: a command is deferred now rather than when its clock runs out.
    if (waiting) noteWaiting();
    const previous = waiting ?? Promise.resolve();
    const run = previous.then(() => this.underRedisLock(key, action, options));
    const tail = run.catch(() => undefined);
    this.#queued.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.#queued.get(key) === tail) this.#queued.delete(key);
    }
  }

  private underRedisLock<T>(key: string, action: () => Promise<T>, options: SerializeOptions): Promise<T> {
    return withLock(this.redis, key, { ttlMs: options.lockMs ?? 15_000, waitMs: options.waitMs ?? 5_000, busy: () => new RecordBusyError(), onWait: noteWaiting }, action);
  }
}
