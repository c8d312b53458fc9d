/**
 * The Valentina request budget: one token bucket in Redis that every process of a deployment spends
 * from, so together they stay under the API key's rate limit (contract §1.9) instead of each finding
 * it with a 429.
 *
 * - Size: configured (VALENTINA_RATE_LIMIT, default 50 requests per 60 s), then learned from the
 *   `RateLimit-Policy` header of every answer (the tightest global bucket's capacity and refill,
 *   rate-limit-headers.ts); when the size changes, the tokens restart from the `RateLimit` header's count.
 * - Correction: the `RateLimit` header's remaining tokens and time to the next token, and a 429's
 *   `retry_after`, lower the bucket when Valentina counts fewer tokens than we do (requests made with
 *   the same key elsewhere, a lost Redis state). Route buckets (`user_registration`, identify only) are
 *   not the whole key's and are left out.
 * - Priorities: an interactive call takes any token and may reserve one that refills within its wait
 *   (first come, first served: the bucket goes below zero by what is promised); a background call takes
 *   one only while more than the reserve (VALENTINA_RATE_RESERVE_PERCENT of the capacity) is left.
 * - Refunds: tokens taken in advance and not spent (a queued write's reserved calls) are given back,
 *   up to the capacity.
 *
 * One Lua script per operation, on one key under the deployment prefix (hash-tagged on a cluster), on
 * Redis' clock, so the processes agree without talking to each other. When Redis cannot be reached the
 * request goes ahead (a 429 from Valentina is still handled), and a warning is logged.
 */
import type { RedisConnection } from '../redis.js';
import type { Logger } from '../logger.js';
import type { RequestPriority } from './priority.js';
import { tightestPolicy, tightestState } from './rate-limit-headers.js';

export interface BudgetSettings {
  /** Requests per window, before the headers say otherwise. */
  capacity: number;
  windowSeconds: number;
  /** Share of the capacity background work leaves for commands, 0–100. */
  reservePercent: number;
}

/** The documented default of the live API: `"default";q=50;w=60`. */
export const DEFAULT_BUDGET: BudgetSettings = { capacity: 50, windowSeconds: 60, reservePercent: 20 };

/** How long an interactive call waits for a token by default (the answer is deferred meanwhile). */
export const INTERACTIVE_MAX_WAIT_MS = 5_000;

export interface BudgetRequest {
  priority: RequestPriority;
  /** Longest acceptable wait; default {@link INTERACTIVE_MAX_WAIT_MS} for interactive, 0 for background. */
  maxWaitMs?: number;
  /** Tokens to take at once (a queued write reserves its calls). Default 1. */
  cost?: number;
}

/** `granted`: send after `waitMs`. Not granted: no token was taken; one would be there in `waitMs`. */
export interface BudgetTicket {
  granted: boolean;
  waitMs: number;
}

/** What one answer of Valentina tells about the budget. */
export interface BudgetObservation {
  status: number;
  /** Raw `RateLimit-Policy` and `RateLimit` headers. */
  policy?: string | undefined;
  state?: string | undefined;
  /** 429 only: how long Valentina asks to wait. */
  retryAfterMs?: number | undefined;
}

/** What the Valentina client needs from a budget (the transport takes any implementation). */
export interface RequestBudget {
  acquire(request: BudgetRequest): Promise<BudgetTicket>;
  observe(observation: BudgetObservation): Promise<void>;
}

// Shared head of both scripts: Redis' clock, the stored size (or the configured one), the refilled tokens.
const LOAD = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('HMGET', KEYS[1], 'tokens', 'ts', 'cap', 'rate')
local cap = tonumber(h[3]) or tonumber(ARGV[1])
local rate = tonumber(h[4]) or tonumber(ARGV[2])
local tokens = tonumber(h[1]) or cap
local ts = tonumber(h[2]) or now
if now > ts then tokens = math.min(cap, tokens + (now - ts) * rate) else now = ts end
`;
const SAVE = `
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(cap / rate) + 60000)
`;

/**
 * ARGV: configured capacity, configured refill (tokens/ms), reserve share (0–1), priority, cost,
 * longest wait (ms), 'take' | 'peek'. Returns {granted 0|1, wait ms}.
 */
export const TAKE_SCRIPT = `${LOAD}
local reserve = 0
if ARGV[4] == 'background' then reserve = math.floor(cap * tonumber(ARGV[3])) end
local cost = tonumber(ARGV[5])
local wait = 0
if tokens < cost + reserve then wait = math.ceil((cost + reserve - tokens) / rate) end
local granted = 0
if ARGV[7] == 'take' and wait <= tonumber(ARGV[6]) then
  tokens = tokens - cost
  granted = 1
end
${SAVE}
return {granted, wait}`;

/**
 * ARGV: configured capacity, configured refill (tokens/ms), learned capacity or '', learned refill or '',
 * remaining tokens or '', ms to the next token, ms a 429 asks to wait or ''. Returns the tokens left
 * (as a string, for tests).
 */
export const OBSERVE_SCRIPT = `${LOAD}
if ARGV[3] ~= '' then
  local learned = tonumber(ARGV[3])
  -- A new size: start from the tokens Valentina counts (else keep what was spent), then as below.
  if learned ~= cap then
    if ARGV[5] ~= '' then tokens = tonumber(ARGV[5]) else tokens = tokens + learned - cap end
  end
  cap = learned
  rate = tonumber(ARGV[4])
  redis.call('HSET', KEYS[1], 'cap', ARGV[3], 'rate', ARGV[4])
  if tokens > cap then tokens = cap end
end
if ARGV[5] ~= '' then
  local r = tonumber(ARGV[5])
  local bound = r
  if r < 1 then bound = 1 - tonumber(ARGV[6]) * rate end
  if tokens > bound then tokens = bound end
end
if ARGV[7] ~= '' then
  local bound = 1 - tonumber(ARGV[7]) * rate
  if tokens > bound then tokens = bound end
end
${SAVE}
return tostring(tokens)`;

/**
 * ARGV: configured capacity, configured refill (tokens/ms), tokens to give back. Returns the tokens left
 * (as a string, for tests).
 */
export const REFUND_SCRIPT = `${LOAD}
tokens = math.min(cap, tokens + tonumber(ARGV[3]))
${SAVE}
return tostring(tokens)`;

interface BudgetCommands {
  valentinaBudgetTake(key: string, ...args: string[]): Promise<[number, number]>;
  valentinaBudgetObserve(key: string, ...args: string[]): Promise<string>;
  valentinaBudgetRefund(key: string, ...args: string[]): Promise<string>;
}

export interface RedisBudgetOptions {
  redis: RedisConnection;
  /** The one key the budget lives in (`keys.valentinaBudget()`, src/keyspace.ts). */
  key: string;
  settings?: BudgetSettings;
  logger?: Logger;
}

export class RedisRequestBudget implements RequestBudget {
  private readonly redis: RedisConnection & BudgetCommands;
  private readonly key: string;
  private readonly settings: BudgetSettings;
  private readonly logger: Logger | undefined;
  private lastWarning = 0;

  constructor(options: RedisBudgetOptions) {
    this.redis = defineScripts(options.redis);
    this.key = options.key;
    this.settings = options.settings ?? DEFAULT_BUDGET;
    this.logger = options.logger;
  }

  async acquire(request: BudgetRequest): Promise<BudgetTicket> {
    return this.run('take', request);
  }

  /** How long until `request` could be granted, without taking anything. */
  async peek(request: BudgetRequest): Promise<number> {
    return (await this.run('peek', request)).waitMs;
  }

  /**
   * Gives back tokens taken but never spent on a request (a queued write's reserved calls that it did
   * not need: its campaign list was cached by the time it ran), never beyond the capacity.
   */
  async refund(tokens: number): Promise<void> {
    const count = Math.floor(tokens);
    if (!(count > 0)) return;
    try {
      await withTimeout(this.redis.valentinaBudgetRefund(this.key, ...this.configured(), String(count)));
    } catch (error) {
      this.warn(error);
    }
  }

  async observe(observation: BudgetObservation): Promise<void> {
    const policy = observation.status === 429 ? undefined : tightestPolicy(observation.policy);
    const state = tightestState(observation.state);
    const block = observation.status === 429 && (state !== undefined || observation.policy === undefined) ? observation.retryAfterMs : undefined;
    if (!policy && !state && block === undefined) return;
    try {
      await this.redis.valentinaBudgetObserve(
        this.key,
        ...this.configured(),
        policy ? String(policy.capacity) : '',
        policy ? String(policy.ratePerMs) : '',
        state ? String(state.remaining) : '',
        state ? String(state.nextMs) : '0',
        block === undefined ? '' : String(block),
      );
    } catch (error) {
      this.warn(error);
    }
  }

  private async run(mode: 'take' | 'peek', request: BudgetRequest): Promise<BudgetTicket> {
    const maxWaitMs = request.maxWaitMs ?? (request.priority === 'interactive' ? INTERACTIVE_MAX_WAIT_MS : 0);
    // Redis is away (reconnecting): the request goes ahead at once rather than queueing behind it.
    if (this.redis.status === 'reconnecting' || this.redis.status === 'close' || this.redis.status === 'end') {
      this.warn(new Error(`redis is ${this.redis.status}`));
      return { granted: true, waitMs: 0 };
    }
    try {
      const [granted, waitMs] = await withTimeout(this.redis.valentinaBudgetTake(
        this.key,
        ...this.configured(),
        String(this.settings.reservePercent / 100),
        request.priority,
        String(request.cost ?? 1),
        String(Math.max(0, Math.floor(maxWaitMs))),
        mode,
      ));
      return { granted: granted === 1, waitMs: Number(waitMs) };
    } catch (error) {
      this.warn(error);
      return { granted: true, waitMs: 0 };
    }
  }

  private configured(): [string, string] {
    return [String(this.settings.capacity), String(this.settings.capacity / (this.settings.windowSeconds * 1000))];
  }

  private warn(error: unknown): void {
    if (Date.now() - this.lastWarning < 60_000) return;
    this.lastWarning = Date.now();
    this.logger?.warn({ err: error }, 'the shared Valentina request budget cannot be read; requests go ahead unmetered');
  }
}

/** A budget that cannot be read within this long lets the request go (a Redis that stalls). */
const REDIS_TIMEOUT_MS = 2_000;

function withTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('the budget did not answer in time')), REDIS_TIMEOUT_MS)));
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** Adds the budget's scripts to the connection once (ioredis keeps a defined command on the connection itself). */
function defineScripts(redis: RedisConnection): RedisConnection & BudgetCommands {
  if (!('valentinaBudgetTake' in redis)) {
    redis.defineCommand('valentinaBudgetTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    redis.defineCommand('valentinaBudgetObserve', { numberOfKeys: 1, lua: OBSERVE_SCRIPT });
    redis.defineCommand('valentinaBudgetRefund', { numberOfKeys: 1, lua: REFUND_SCRIPT });
  }
  return redis as RedisConnection & BudgetCommands;
}
