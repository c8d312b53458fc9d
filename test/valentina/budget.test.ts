/**
 * The shared Valentina request budget against the real Redis: two processes (two connections) spend
 * one bucket, it refills at its rate, background work leaves the reserve to commands, waits are
 * promised first come first served, and Valentina's RateLimit headers and 429s correct it. Then the
 * client on top of it: a 429 with a long retry_after fails at once with the wait, instead of holding
 * the caller.
 */
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  RedisRequestBudget,
  ValentinaBudgetError,
  ValentinaClient,
  withRequestPriority,
  type BudgetSettings,
} from '../../src/valentina/index.js';
import { parseRateLimitHeader, tightestPolicy, tightestState } from '../../src/valentina/rate-limit-headers.js';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { createKeyspace } from '../../src/keyspace.js';

let a: Redis;
let b: Redis;
beforeAll(() => {
  a = new Redis(redisUrl());
  b = new Redis(redisUrl());
});
afterAll(async () => {
  await a.quit();
  await b.quit();
});

/** Two processes of one deployment: same key, own connections. */
function pair(settings: BudgetSettings) {
  const key = createKeyspace(uniquePrefix('budget')).valentinaBudget();
  return [new RedisRequestBudget({ redis: a, key, settings }), new RedisRequestBudget({ redis: b, key, settings })] as const;
}

async function grants(budget: RedisRequestBudget, n: number, priority: 'interactive' | 'background' = 'interactive'): Promise<number> {
  let granted = 0;
  for (let i = 0; i < n; i++) if ((await budget.acquire({ priority, maxWaitMs: 0 })).granted) granted += 1;
  return granted;
}

describe('the budget in Redis', () => {
  it('is one bucket for every process: two clients together get the capacity, not twice it', async () => {
    const [one, two] = pair({ capacity: 10, windowSeconds: 3600, reservePercent: 0 });
    const counts = await Promise.all([grants(one, 8), grants(two, 8)]);
    expect(counts[0] + counts[1]).toBe(10);
    const refused = await one.acquire({ priority: 'interactive', maxWaitMs: 0 });
    expect(refused.granted).toBe(false);
    // One token per 360 s.
    expect(refused.waitMs).toBeGreaterThan(300_000);
    expect(refused.waitMs).toBeLessThanOrEqual(360_000);
  });

  it('refills at its rate: a refused request gets a token once the promised wait has passed', async () => {
    // A token every 2 s: slow enough that a busy machine does not see one come back before the refusal.
    const [one, two] = pair({ capacity: 2, windowSeconds: 4, reservePercent: 0 });
    expect(await grants(one, 2)).toBe(2);
    const refused = await two.acquire({ priority: 'interactive', maxWaitMs: 0 });
    expect(refused).toMatchObject({ granted: false });
    expect(refused.waitMs).toBeGreaterThan(0);
    expect(refused.waitMs).toBeLessThanOrEqual(2_000);
    await new Promise((resolve) => setTimeout(resolve, refused.waitMs + 5));
    expect((await two.acquire({ priority: 'interactive', maxWaitMs: 0 })).granted).toBe(true);
  });

  it('keeps the reserve for commands: background work stops above it, interactive calls spend it', async () => {
    const [one, two] = pair({ capacity: 10, windowSeconds: 3600, reservePercent: 30 });
    expect(await grants(one, 10, 'background')).toBe(7);
    expect(await grants(two, 10, 'interactive')).toBe(3);
  });

  it('promises waits first come, first served, and takes nothing from a caller that will not wait', async () => {
    const [one, two] = pair({ capacity: 2, windowSeconds: 2, reservePercent: 0 });
    expect(await grants(one, 2)).toBe(2);
    // A wait counts from when Redis ran the call: the moment a caller is promised its token lies between
    // the call's start and its end plus the wait, however long a busy machine took to make the call.
    const promised = async (budget: RedisRequestBudget) => {
      const start = Date.now();
      const ticket = await budget.acquire({ priority: 'interactive', maxWaitMs: 5_000 });
      return { granted: ticket.granted, earliest: start + ticket.waitMs, latest: Date.now() + ticket.waitMs };
    };
    type Promised = Awaited<ReturnType<typeof promised>>;
    /** The gap between two promised moments is within [min, max]. */
    const gap = (a: Promised, b: Promised) => ({ min: b.earliest - a.latest, max: b.latest - a.earliest });
    // One token per second: the next two callers are promised the next two tokens, in order.
    const first = await promised(one);
    const second = await promised(two);
    expect(first.granted && second.granted).toBe(true);
    expect(gap(first, second).max).toBeGreaterThanOrEqual(990);
    expect(gap(first, second).min).toBeLessThan(1_100);
    const impatient = await two.acquire({ priority: 'interactive', maxWaitMs: 100 });
    expect(impatient.granted).toBe(false);
    // The refusal took nothing: the next patient caller is promised the token after `second`'s.
    const third = await promised(one);
    expect(gap(second, third).max).toBeGreaterThanOrEqual(990);
    expect(gap(second, third).min).toBeLessThan(1_100);
  });

  it('is lowered by Valentina’s RateLimit header (fewer tokens left there than here), never raised by it', async () => {
    const [one, two] = pair({ capacity: 50, windowSeconds: 60, reservePercent: 0 });
    await one.observe({ status: 200, state: '"default";r=3;t=0' });
    expect(await grants(two, 10)).toBe(3);
    // r=0 and the next token in 12 s: nothing for 12 s.
    await one.observe({ status: 200, state: '"default";r=0;t=12' });
    const refused = await two.acquire({ priority: 'interactive', maxWaitMs: 0 });
    expect(refused.waitMs).toBeGreaterThan(11_000);
    expect(refused.waitMs).toBeLessThanOrEqual(12_000);
    // A header showing more tokens than we count does not undo what in-flight requests took.
    await one.observe({ status: 200, state: '"default";r=40;t=0' });
    expect((await two.acquire({ priority: 'interactive', maxWaitMs: 0 })).granted).toBe(false);
  });

  it('takes its size from RateLimit-Policy: the tightest global bucket, route buckets left out', async () => {
    const [one, two] = pair({ capacity: 50, windowSeconds: 60, reservePercent: 0 });
    await one.observe({ status: 200, policy: '"burst";q=30;w=60, "hourly";q=1000;w=3704, "user_registration";q=30;w=1800' });
    expect(await grants(two, 40)).toBe(30);
  });

  it('starts from Valentina’s count when it learns a larger size, so background work is not held back', async () => {
    const [one, two] = pair({ capacity: 50, windowSeconds: 60, reservePercent: 20 });
    expect(await grants(one, 5)).toBe(5);
    await one.observe({ status: 200, policy: '"burst";q=10000;w=10', state: '"burst";r=9994;t=0' });
    expect(await grants(two, 100, 'background')).toBe(100);
  });

  it('stops every process for a 429’s retry_after, unless the refusing bucket is a route bucket', async () => {
    const [one, two] = pair({ capacity: 50, windowSeconds: 60, reservePercent: 0 });
    await one.observe({ status: 429, policy: '"user_registration";q=30;w=1800', state: '"user_registration";r=0;t=60', retryAfterMs: 60_000 });
    expect((await two.acquire({ priority: 'interactive', maxWaitMs: 0 })).granted).toBe(true);
    await one.observe({ status: 429, policy: '"default";q=50;w=60', state: '"default";r=0;t=30', retryAfterMs: 30_000 });
    const refused = await two.acquire({ priority: 'interactive', maxWaitMs: 0 });
    expect(refused.granted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(29_000);
    expect(refused.waitMs).toBeLessThanOrEqual(30_000);
  });

  it('takes back reserved tokens that were not spent, for every process, never beyond the capacity', async () => {
    // A token per hour: nothing refills while the test runs.
    const [one, two] = pair({ capacity: 10, windowSeconds: 36_000, reservePercent: 0 });
    expect((await one.acquire({ priority: 'interactive', cost: 3, maxWaitMs: 0 })).granted).toBe(true);
    expect(await grants(two, 10)).toBe(7);
    // Two of the three reserved calls were not made: the other process can spend them.
    await one.refund(2);
    expect(await grants(two, 10)).toBe(2);
    await one.refund(0);
    expect(await grants(two, 1)).toBe(0);
    // A full bucket stays full: a refund never gives more than the capacity.
    const [full, other] = pair({ capacity: 4, windowSeconds: 36_000, reservePercent: 0 });
    await full.refund(3);
    expect(await grants(other, 10)).toBe(4);
  });

  it('lets requests through when Redis cannot be reached', async () => {
    const dead = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    const budget = new RedisRequestBudget({ redis: dead, key: createKeyspace(uniquePrefix('budget')).valentinaBudget() });
    expect(await budget.acquire({ priority: 'background' })).toEqual({ granted: true, waitMs: 0 });
    dead.disconnect();
  });
});

describe('RateLimit headers', () => {
  it('parses the contract’s examples', () => {
    expect(parseRateLimitHeader('"burst";r=29;t=0, "hourly";r=998;t=0').map((item) => item.name)).toEqual(['burst', 'hourly']);
    expect(tightestPolicy('"burst";q=30;w=60, "hourly";q=1000;w=3704')).toEqual({ capacity: 30, ratePerMs: 1000 / (3704 * 1000) });
    expect(tightestState('"burst";r=29;t=0, "hourly";r=0;t=4')).toEqual({ remaining: 0, nextMs: 4000 });
    expect(tightestPolicy(undefined)).toBeUndefined();
  });
});

describe('the client on the budget', () => {
  let fake: FakeValentina;
  let client: ValentinaClient;
  let budget: RedisRequestBudget;
  beforeAll(async () => {
    fake = await startFakeValentina({ rateLimits: [{ name: 'default', capacity: 50, refillPerSecond: 50 / 60 }] });
  });
  afterEach(async () => {
    await client?.close();
  });
  afterAll(async () => {
    await fake.close();
  });

  it('answers at once with the wait when Valentina asks for 30 s, and sends nothing until then', async () => {
    budget = new RedisRequestBudget({ redis: a, key: createKeyspace(uniquePrefix('budget')).valentinaBudget() });
    client = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey, budget, baseDelayMs: 1 });
    fake.faults.inject({ method: 'GET', path: '/health', kind: 'status', status: 429, retryAfter: 30 });
    fake.clearRequests();
    const error = await client.health().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValentinaBudgetError);
    expect((error as ValentinaBudgetError).retryAfterMs).toBeGreaterThan(29_000);
    const again = await client.health().catch((caught: unknown) => caught);
    expect(again).toBeInstanceOf(ValentinaBudgetError);
    expect(fake.countRequests()).toBe(1);
  });

  it('learns the live limit from the headers and never sends more than it allows', async () => {
    budget = new RedisRequestBudget({ redis: a, key: createKeyspace(uniquePrefix('budget')).valentinaBudget(), settings: { capacity: 500, windowSeconds: 60, reservePercent: 20 } });
    client = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey, budget });
    const fresh = await startFakeValentina({ rateLimits: [{ name: 'default', capacity: 50, refillPerSecond: 50 / 60 }] });
    const local = new ValentinaClient({ baseUrl: fresh.url, apiKey: fresh.apiKey, budget });
    try {
      await local.health();
      const outcomes = await Promise.all(
        Array.from({ length: 80 }, () => withRequestPriority({ priority: 'interactive', maxWaitMs: 0 }, () => local.health()).then(() => 'ok', (e: unknown) => (e as Error).name)),
      );
      expect(fresh.requests.filter((r) => r.status === 429)).toHaveLength(0);
      expect(outcomes.filter((o) => o === 'ok').length).toBeLessThanOrEqual(49);
      expect(outcomes.filter((o) => o !== 'ok').every((o) => o === 'ValentinaBudgetError')).toBe(true);
    } finally {
      await local.close();
      await fresh.close();
    }
  });
});
