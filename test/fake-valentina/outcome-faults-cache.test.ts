/** Faults that apply a write and lose or fail its answer, and the 60-second response cache (§1.10, §1.11). */
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeValentina, type FakeValentina, type FakeValentinaOptions } from '../../packages/sandbox/src/fake-valentina/index.js';
import { caller, type Caller } from './client.js';

let fake: FakeValentina;
let call: Caller;

async function start(options: FakeValentinaOptions = {}) {
  fake = await startFakeValentina(options);
  call = caller(fake);
}
afterEach(() => fake.close());

const addXp = () => `/companies/${fake.fixture.companies.chicago}/users/${fake.fixture.users.mara.id}/experience/xp/add`;
const readXp = () => `/companies/${fake.fixture.companies.chicago}/users/${fake.fixture.users.mara.id}/experience/${fake.fixture.campaigns.main}`;
const xpBody = (amount: number) => JSON.stringify({ amount, campaign_id: fake.fixture.campaigns.main });
const xpNow = () => fake.store.getExperience(fake.fixture.users.mara.id, fake.fixture.campaigns.main)?.xp_current;
const celeste = () => fake.fixture.users.celeste.id;

describe('faults after the write was applied', () => {
  it('apply-then-status 500 applies the write, answers the plain 500 with a request id, and stores nothing', async () => {
    await start();
    fake.faults.inject({ kind: 'apply-then-status', status: 500, method: 'POST', path: /xp\/add$/ });
    const failed = await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(3), idempotencyKey: 'k-500' });
    expect(failed.status).toBe(500);
    expect(failed.text).toBe('{"status_code":500,"detail":"Internal Server Error"}');
    expect(failed.headers['x-request-id']).toMatch(/^req_/);
    expect(xpNow()).toBe(24);
    // Like the live API: the failure was not stored, so the same key runs the write again.
    expect((await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(3), idempotencyKey: 'k-500' })).status).toBe(201);
    expect(xpNow()).toBe(27);
  });

  it.each([502, 503] as const)('apply-then-status %i answers a proxy page without a request id', async (status) => {
    await start();
    fake.faults.inject({ kind: 'apply-then-status', status, method: 'POST', path: /xp\/add$/ });
    const failed = await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(2), idempotencyKey: `k-${status}` });
    expect(failed.status).toBe(status);
    expect(failed.headers['content-type']).toBe('text/html');
    expect(failed.headers['x-request-id']).toBeUndefined();
    expect(xpNow()).toBe(23);
    await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(2), idempotencyKey: `k-${status}` });
    expect(xpNow()).toBe(25);
  });

  it('apply-then-drop applies the write and closes the connection before the answer is stored', async () => {
    await start();
    fake.faults.inject({ kind: 'apply-then-drop', method: 'POST', path: /xp\/add$/ });
    await expect(call('POST', addXp(), { obo: celeste(), rawBody: xpBody(1), idempotencyKey: 'k-atd' })).rejects.toThrow();
    expect(xpNow()).toBe(22);
    await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(1), idempotencyKey: 'k-atd' });
    expect(xpNow()).toBe(23);
  });

  it('latency-after-apply applies the write and answers late; afterApply runs between the two', async () => {
    await start();
    let seen: number | undefined;
    fake.faults.inject({ kind: 'latency-after-apply', ms: 30, method: 'POST', path: /xp\/add$/, afterApply: () => (seen = xpNow()) });
    const answer = await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(4), idempotencyKey: 'k-late' });
    expect(answer.status).toBe(201);
    expect(seen).toBe(25);
  });
});

describe('hold', () => {
  it('keeps a request in flight, not applied, until the test releases it; then runs and answers it', async () => {
    await start();
    const release = fake.faults.hold({ method: 'POST', path: /xp\/add$/ });
    const answer = call('POST', addXp(), { obo: celeste(), rawBody: xpBody(5), idempotencyKey: 'k-held' });
    const inFlight = () => fake.requests.filter((r) => r.path.endsWith('/xp/add'));
    while (inFlight().length === 0) await new Promise((r) => setTimeout(r, 5));
    // A read meanwhile is answered: only the held request waits.
    expect((await call('GET', readXp(), { obo: celeste() })).status).toBe(200);
    expect(inFlight().map((r) => r.status)).toEqual([null]);
    expect(xpNow()).toBe(21);
    release();
    expect((await answer).status).toBe(201);
    expect(xpNow()).toBe(26);
    expect(inFlight().map((r) => r.status)).toEqual([201]);
  });
});

describe('response cache', () => {
  it('answers a cached GET from the cache for 60 s, and reads around it with any extra query parameter', async () => {
    let now = Date.parse('2026-07-15T08:00:00Z');
    await start({ now: () => now });
    expect((await call('GET', readXp(), { obo: celeste() })).body.xp_current).toBe(21);
    fake.store.ensureExperience(fake.fixture.users.mara.id, fake.fixture.campaigns.main).xp_current = 40;
    expect((await call('GET', readXp(), { obo: celeste() })).body.xp_current).toBe(21);
    expect((await call('GET', readXp(), { obo: celeste(), query: { _fresh: 'a' } })).body.xp_current).toBe(40);
    // The acting user is part of the key: another one (or none) is answered separately.
    expect((await call('GET', readXp())).body.xp_current).toBe(40);
    now += 60_001;
    expect((await call('GET', readXp(), { obo: celeste() })).body.xp_current).toBe(40);
  });

  it('is flushed by a successful audited write, not by one whose answer failed', async () => {
    await start();
    expect((await call('GET', readXp(), { obo: celeste() })).body.xp_current).toBe(21);
    fake.faults.inject({ kind: 'apply-then-status', status: 500, method: 'POST', path: /xp\/add$/ });
    await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(5) });
    expect(xpNow()).toBe(26);
    expect((await call('GET', readXp(), { obo: celeste() })).body.xp_current).toBe(21);
    await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(1) });
    expect((await call('GET', readXp(), { obo: celeste() })).body.xp_current).toBe(27);
  });

  it('keeps the Cache-Control header, caches only successes, still runs the guards, and can be flushed or turned off', async () => {
    await start();
    const first = await call('GET', readXp(), { obo: celeste() });
    expect(first.headers['cache-control']).toBe('private, max-age=60');
    const hit = await call('GET', readXp(), { obo: celeste() });
    expect(hit.headers['cache-control']).toBe('private, max-age=60');
    expect(hit.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    expect((await call('GET', readXp(), { obo: 'not-a-user' })).status).toBeGreaterThanOrEqual(400);
    fake.store.ensureExperience(fake.fixture.users.mara.id, fake.fixture.campaigns.main).xp_current = 50;
    fake.flushResponseCache();
    expect((await call('GET', readXp(), { obo: celeste() })).body.xp_current).toBe(50);
    await fake.close();

    await start({ responseCache: false });
    await call('GET', readXp(), { obo: celeste() });
    fake.store.ensureExperience(fake.fixture.users.mara.id, fake.fixture.campaigns.main).xp_current = 60;
    expect((await call('GET', readXp(), { obo: celeste() })).body.xp_current).toBe(60);
  });
});
