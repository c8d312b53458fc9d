/**
 * Discord's global rate limit: 50 requests a second per bot token, whatever connection or process
 * they come from. A request past the limit is answered 429 with `global: true`, `X-RateLimit-Global`
 * and `Retry-After`, as Discord does. Interaction callbacks and webhook requests carry no bot token
 * and are not counted (Discord exempts interaction endpoints from the global limit).
 *
 * A window opens with the first request after the previous one closed and lasts a second — the
 * way discord.js keeps its own global bucket, so a client that respects the limit is never refused
 * merely because its seconds start at another moment than the simulator's. Every window is kept, with
 * the requests it received (refused ones included), so tests can read the busiest second.
 */

export const GLOBAL_REQUESTS_PER_SECOND = 50;
const WINDOW_MS = 1_000;
/** Windows kept per token for inspection. */
const HISTORY = 3_600;

export interface RateWindow {
  /** Epoch ms of the first request of the window. */
  start: number;
  /** Requests received in the window, refused ones included. */
  requests: number;
  /** Requests answered 429 (global). */
  refused: number;
}

export interface RateLimitControls {
  /** Bot-token requests per one-second window, oldest first (all tokens together: the simulator has one). */
  readonly windows: readonly RateWindow[];
  /** The most requests any one-second window received. */
  readonly peakPerSecond: number;
  /** Requests answered 429 with `global: true`. */
  readonly refused: number;
  /** Forgets every window so far; the next request opens a new one. */
  resetStats(): void;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

export class GlobalRateLimiter implements RateLimitControls {
  readonly #current = new Map<string, RateWindow>();
  readonly #history: RateWindow[] = [];
  #refused = 0;

  constructor(
    private readonly now: () => number,
    private readonly limit = GLOBAL_REQUESTS_PER_SECOND,
  ) {}

  /** Counts one request of `token`; refused once the window already holds `limit` requests. */
  take(token: string): RateDecision {
    const now = this.now();
    let window = this.#current.get(token);
    if (!window || now >= window.start + WINDOW_MS) {
      window = { start: now, requests: 0, refused: 0 };
      this.#current.set(token, window);
      this.#history.push(window);
      if (this.#history.length > HISTORY) this.#history.shift();
    }
    window.requests += 1;
    if (window.requests <= this.limit) return { allowed: true };
    window.refused += 1;
    this.#refused += 1;
    return { allowed: false, retryAfterMs: Math.max(1, window.start + WINDOW_MS - now) };
  }

  get windows(): readonly RateWindow[] {
    return this.#history;
  }

  get peakPerSecond(): number {
    return this.#history.reduce((peak, window) => Math.max(peak, window.requests), 0);
  }

  get refused(): number {
    return this.#refused;
  }

  resetStats(): void {
    this.#current.clear();
    this.#history.length = 0;
    this.#refused = 0;
  }
}
