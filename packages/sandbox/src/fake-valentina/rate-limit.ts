/**
 * Token buckets per API key, as the API applies them: every request spends one token from each
 * applicable bucket (global ones on every route, `user_registration` on identify); the first empty
 * bucket refuses, and tokens already spent on earlier buckets stay spent.
 */

export interface BucketConfig {
  name: string;
  capacity: number;
  refillPerSecond: number;
  /** `global` (default) applies to every route; `user_registration` only to identify (I1). */
  scope?: 'global' | 'user_registration';
}

/** The deployment values the contract quotes (sample environment + identify bucket). */
export const CONTRACT_RATE_LIMITS: BucketConfig[] = [
  { name: 'burst', capacity: 30, refillPerSecond: 0.5 },
  { name: 'hourly', capacity: 1000, refillPerSecond: 1000 / 3600 },
  { name: 'user_registration', capacity: 30, refillPerSecond: 1 / 60, scope: 'user_registration' },
];

/** Same names, capacities high enough that tests never meet them by accident. */
export const DEFAULT_RATE_LIMITS: BucketConfig[] = [
  { name: 'burst', capacity: 10_000, refillPerSecond: 1_000 },
  { name: 'hourly', capacity: 100_000, refillPerSecond: 100 },
  { name: 'user_registration', capacity: 1_000, refillPerSecond: 10, scope: 'user_registration' },
];

interface BucketState {
  tokens: number;
  updatedAt: number;
}

export interface BucketReport {
  config: BucketConfig;
  tokens: number;
}

export type LimitOutcome =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; headers: Record<string, string>; retryAfter: number };

export class RateLimiter {
  private readonly states = new Map<string, BucketState>();

  constructor(
    private readonly buckets: BucketConfig[],
    private readonly now: () => number,
  ) {}

  /** Spends one token per applicable bucket for `key`; `identify` adds the registration bucket. */
  take(key: string, identify: boolean): LimitOutcome {
    const applicable = this.buckets.filter((b) => (b.scope ?? 'global') === 'global' || identify);
    const reports: BucketReport[] = [];
    for (const config of applicable) {
      const state = this.refill(key, config);
      if (state.tokens < 1) {
        const wait = (1 - state.tokens) / config.refillPerSecond;
        return {
          allowed: false,
          headers: renderHeaders([{ config, tokens: state.tokens }]),
          retryAfter: Math.ceil(wait * 100) / 100,
        };
      }
      state.tokens -= 1;
      reports.push({ config, tokens: state.tokens });
    }
    return { allowed: true, headers: renderHeaders(reports) };
  }

  private refill(key: string, config: BucketConfig): BucketState {
    const id = `${key}\u0000${config.name}`;
    const at = this.now();
    let state = this.states.get(id);
    if (!state) {
      state = { tokens: config.capacity, updatedAt: at };
      this.states.set(id, state);
    }
    const elapsed = Math.max(0, at - state.updatedAt) / 1000;
    state.tokens = Math.min(config.capacity, state.tokens + elapsed * config.refillPerSecond);
    state.updatedAt = at;
    return state;
  }
}

function renderHeaders(reports: BucketReport[]): Record<string, string> {
  if (reports.length === 0) return {};
  const policy = reports
    .map(({ config }) => `"${config.name}";q=${config.capacity};w=${Math.ceil(config.capacity / config.refillPerSecond)}`)
    .join(', ');
  const state = reports
    .map(({ config, tokens }) => {
      const remaining = Math.floor(tokens);
      const wait = remaining >= 1 ? 0 : Math.ceil((1 - tokens) / config.refillPerSecond);
      return `"${config.name}";r=${remaining};t=${wait}`;
    })
    .join(', ');
  return { 'ratelimit-policy': policy, ratelimit: state };
}
