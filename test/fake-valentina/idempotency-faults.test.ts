import { request } from 'undici';
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
const xpBody = (amount: number) => JSON.stringify({ amount, campaign_id: fake.fixture.campaigns.main });
const xpNow = () => fake.store.getExperience(fake.fixture.users.mara.id, fake.fixture.campaigns.main)?.xp_current;
const celeste = () => fake.fixture.users.celeste.id;

describe('idempotency keys', () => {
  it('replays the stored response without applying the write again', async () => {
    await start();
    const first = await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(4), idempotencyKey: 'k-1' });
    const replay = await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(4), idempotencyKey: 'k-1' });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.text).toBe(first.text);
    expect(replay.headers['x-request-id']).not.toBe(first.headers['x-request-id']);
    expect(xpNow()).toBe(25);
  });

  it('answers 409 when the same key comes with different bytes, even just whitespace', async () => {
    await start();
    await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(4), idempotencyKey: 'k-2' });
    const conflict = await call('POST', addXp(), { obo: celeste(), rawBody: ` ${xpBody(4)}`, idempotencyKey: 'k-2' });
    expect(conflict.status).toBe(409);
    expect(String(conflict.body.detail)).toMatch(/^Idempotency key 'k-2' was previously used with a different request body/);
    expect(conflict.body.request_id).toMatch(/^req_/);
    expect(conflict.headers['x-request-id']).toBeUndefined();
    expect(xpNow()).toBe(25);
  });

  it('scopes the key by path and never stores failures', async () => {
    await start();
    const failed = await call('POST', addXp(), { obo: fake.fixture.users.mara.id, rawBody: xpBody(1), idempotencyKey: 'k-3' });
    expect(failed.status).toBe(403);
    const retried = await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(1), idempotencyKey: 'k-3' });
    expect(retried.status).toBe(201);
    const otherPath = addXp().replace('xp/add', 'cp/add');
    const other = await call('POST', otherPath, { obo: celeste(), rawBody: xpBody(1), idempotencyKey: 'k-3' });
    expect(other.status).toBe(201);
    expect(xpNow()).toBe(32);
  });

  it('expires stored responses after an hour', async () => {
    let now = Date.parse('2026-07-15T08:00:00Z');
    await start({ now: () => now });
    await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(1), idempotencyKey: 'k-4' });
    now += 59 * 60 * 1000;
    await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(1), idempotencyKey: 'k-4' });
    expect(xpNow()).toBe(22);
    now += 2 * 60 * 1000;
    await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(1), idempotencyKey: 'k-4' });
    expect(xpNow()).toBe(23);
  });
});

describe('faults', () => {
  it('drop-after-apply applies the write once; the retry with the same key gets the stored answer', async () => {
    await start();
    fake.faults.inject({ kind: 'drop-after-apply', method: 'POST', path: /experience\/xp\/add$/ });
    await expect(call('POST', addXp(), { obo: celeste(), rawBody: xpBody(3), idempotencyKey: 'k-drop' })).rejects.toThrow();
    expect(xpNow()).toBe(24);
    const retry = await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(3), idempotencyKey: 'k-drop' });
    expect(retry.status).toBe(201);
    expect(retry.body.xp_current).toBe(24);
    expect(xpNow()).toBe(24);
    expect(fake.countRequests({ method: 'POST', path: addXp() })).toBe(2);
    expect(fake.requests[0]?.status).toBeNull();
  });

  it('drop closes the connection before anything is applied', async () => {
    await start();
    fake.faults.inject({ kind: 'drop', path: addXp() });
    await expect(call('POST', addXp(), { obo: celeste(), rawBody: xpBody(3) })).rejects.toThrow();
    expect(xpNow()).toBe(21);
    expect((await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(3) })).status).toBe(201);
  });

  it('injects statuses for a number of matching requests, then recovers', async () => {
    await start();
    fake.faults.inject({ kind: 'status', status: 503, path: '/health', times: 2 });
    expect((await call('GET', '/health')).status).toBe(503);
    expect((await call('GET', '/health')).status).toBe(503);
    expect((await call('GET', '/health')).status).toBe(200);
    fake.faults.inject({ kind: 'status', status: 429, retryAfter: 2.5 });
    const limited = await call('GET', '/health');
    expect(limited.body).toMatchObject({ status: 429, detail: 'You are being rate limited.', retry_after: 2.5 });
    expect(limited.headers['retry-after']).toBeUndefined();
    fake.faults.inject({ kind: 'status', status: 502 });
    fake.faults.clear();
    fake.faults.inject({ kind: 'latency', ms: 20, path: '/health' });
    expect((await call('GET', '/health')).status).toBe(200);
    expect(fake.faults.pending).toBe(0);
  });

  it('logs requests with lower-case headers and parsed bodies', async () => {
    await start();
    fake.clearRequests();
    await call('POST', addXp(), { obo: celeste(), rawBody: xpBody(2), query: { trace: '1' } });
    const [entry] = fake.requests;
    expect(entry).toMatchObject({ method: 'POST', status: 201, query: { trace: '1' }, body: { amount: 2 } });
    expect(entry?.headers['on-behalf-of']).toBe(celeste());
    expect(fake.countRequests({ path: /xp\/add$/ })).toBe(1);
  });
});

describe('rate limits', () => {
  it('refuses with 429, retry_after in the body and no Retry-After header', async () => {
    let now = Date.parse('2026-07-15T08:00:00Z');
    await start({ rateLimits: [{ name: 'burst', capacity: 2, refillPerSecond: 0.5 }], now: () => now });
    const first = await call('GET', '/health');
    expect(first.headers['ratelimit-policy']).toBe('"burst";q=2;w=4');
    expect(first.headers.ratelimit).toBe('"burst";r=1;t=0');
    await call('GET', '/health');
    const refused = await call('GET', '/health');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ status: 429, title: 'Too Many Requests', detail: 'You are being rate limited.' });
    expect(refused.body.retry_after).toBe(2);
    expect(refused.headers['retry-after']).toBeUndefined();
    expect(refused.headers.ratelimit).toBe('"burst";r=0;t=2');
    now += 1000;
    expect((await call('GET', '/health')).body.retry_after).toBe(1);
    now += 1000;
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it('spends the user_registration bucket on identify only', async () => {
    await start({
      rateLimits: [
        { name: 'burst', capacity: 100, refillPerSecond: 1 },
        { name: 'user_registration', capacity: 1, refillPerSecond: 1 / 60, scope: 'user_registration' },
      ],
    });
    fake.discordTokens.set('t', { id: fake.fixture.users.mara.discordId ?? '', username: 'nightwatch_', verified: true });
    const path = `/companies/${fake.fixture.companies.chicago}/auth/identify`;
    const ok = await call('POST', path, { body: { provider: 'discord', token: 't' } });
    expect(ok.headers['ratelimit-policy']).toContain('"user_registration";q=1;w=60');
    const refused = await call('POST', path, { body: { provider: 'discord', token: 't' } });
    expect(refused.status).toBe(429);
    expect(refused.headers['ratelimit-policy']).toBe('"user_registration";q=1;w=60');
    expect((await call('GET', '/health')).status).toBe(200);
  });

  it('does not spend tokens on unauthenticated requests', async () => {
    await start({ rateLimits: [{ name: 'burst', capacity: 1, refillPerSecond: 0.01 }] });
    const raw = await request(`${fake.url}/api/v1/health`);
    expect(raw.statusCode).toBe(401);
    await raw.body.text();
    expect((await call('GET', '/health')).status).toBe(200);
  });
});
