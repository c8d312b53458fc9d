/** Errors, retries, deadlines and pagination of the client, against the fake over real HTTP. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS as ids } from '../../packages/sandbox/src/fixture.js';
import {
  isNotEnoughXp,
  ValentinaClient,
  ValentinaConflictError,
  ValentinaForbiddenError,
  ValentinaNetworkError,
  ValentinaNotFoundError,
  ValentinaOutcomeUnknownError,
  ValentinaRateLimitError,
  ValentinaResponseError,
  ValentinaServerError,
  ValentinaUnauthorizedError,
  ValentinaUnprocessableError,
  ValentinaValidationError,
} from '../../src/valentina/index.js';
import { retryAfterMs } from '../../src/valentina/problem.js';

const cid = ids.companies.chicago;
const campaign = ids.campaigns.main;
const { celeste, mara, bastien } = ids.users;
const xpAddPath = `/companies/${cid}/users/${bastien.id}/experience/xp/add`;

describe('client errors and retries', () => {
  let fake: FakeValentina;
  let client: ValentinaClient;

  beforeAll(async () => {
    fake = await startFakeValentina();
    client = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey, baseDelayMs: 5, maxDelayMs: 50 });
  });
  beforeEach(() => fake.faults.clear());
  afterAll(async () => {
    await client.close();
    await fake.close();
  });

  it('turns every problem status into its typed error with detail and request id', async () => {
    const bad = new ValentinaClient({ baseUrl: fake.url, apiKey: 'wrong-key' });
    await expect(bad.companies.get(cid)).rejects.toBeInstanceOf(ValentinaUnauthorizedError);
    await bad.close();
    const forbidden = await client.companies.get(ids.companies.sabbat).catch((e: unknown) => e);
    expect(forbidden).toBeInstanceOf(ValentinaForbiddenError);
    expect((forbidden as ValentinaForbiddenError).requestId).toMatch(/^req_[A-Za-z0-9_-]{22}$/);
    await expect(client.campaigns.get(cid, '0197e3e1-0000-7000-8000-000000000000')).rejects.toBeInstanceOf(ValentinaNotFoundError);
    const invalid = await client.quickrolls.create(cid, mara.id, { name: 'Empty', trait_ids: [] }, { onBehalfOf: mara.id }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValentinaValidationError);
    expect((invalid as ValentinaValidationError).invalidParameters[0]?.field).toBe('trait_ids');
    const notEnough = await client.experience.removeXp(cid, bastien.id, { amount: 100_000, campaignId: campaign }, { onBehalfOf: celeste.id }).catch((e: unknown) => e);
    expect(isNotEnoughXp(notEnough)).toBe(true);
    fake.discordTokens.set('tok-reject', 'reject');
    const unprocessable = await client.identity.identify(cid, { provider: 'discord', token: 'tok-reject' }).catch((e: unknown) => e);
    expect(unprocessable).toBeInstanceOf(ValentinaUnprocessableError);
    expect((unprocessable as ValentinaUnprocessableError).code).toBe('TOKEN_VERIFICATION_FAILED');
  });

  it('rejects a reused idempotency key with a different body as a conflict', async () => {
    await client.experience.addXp(cid, bastien.id, { amount: 1, campaignId: campaign }, { onBehalfOf: celeste.id, idempotencyKey: 'reuse-1' });
    const error = await client.experience.addXp(cid, bastien.id, { amount: 2, campaignId: campaign }, { onBehalfOf: celeste.id, idempotencyKey: 'reuse-1' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValentinaConflictError);
  });

  it('waits as long as a 429 asks and then succeeds', async () => {
    fake.faults.inject({ method: 'GET', path: `/companies/${cid}`, kind: 'status', status: 429, retryAfter: 0.2 });
    const started = Date.now();
    const company = await client.companies.get(cid);
    expect(company.id).toBe(cid);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const impatient = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey, maxRetries: 0 });
    fake.faults.inject({ method: 'GET', path: `/companies/${cid}`, kind: 'status', status: 429, retryAfter: 2.5 });
    const error = await impatient.companies.get(cid).catch((e: unknown) => e);
    await impatient.close();
    expect(error).toBeInstanceOf(ValentinaRateLimitError);
    expect((error as ValentinaRateLimitError).retryAfterMs).toBeGreaterThanOrEqual(2500);
  });

  it('retries server errors and gives up with a typed error after maxRetries', async () => {
    fake.faults.inject({ method: 'GET', path: `/companies/${cid}`, kind: 'status', status: 503, times: 2 });
    expect((await client.companies.get(cid)).id).toBe(cid);
    fake.faults.inject({ method: 'GET', path: `/companies/${cid}`, kind: 'status', status: 500, times: 10 });
    const error = await client.companies.get(cid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValentinaServerError);
    expect(fake.faults.pending).toBe(1);
  });

  it('never re-sends a POST whose connection dropped after the server applied it; the caller may, with the same key', async () => {
    const before = fake.store.ensureExperience(bastien.id, campaign).xp_current;
    fake.clearRequests();
    fake.faults.inject({ method: 'POST', path: xpAddPath, kind: 'drop-after-apply' });
    const error = await client.experience.addXp(cid, bastien.id, { amount: 4, campaignId: campaign }, { onBehalfOf: celeste.id, idempotencyKey: 'ix-123:xp' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValentinaOutcomeUnknownError);
    expect((error as ValentinaOutcomeUnknownError).mayStillRun).toBe(false);
    expect(fake.countRequests({ method: 'POST', path: xpAddPath })).toBe(1);
    const replay = await client.experience.addXp(cid, bastien.id, { amount: 4, campaignId: campaign }, { onBehalfOf: celeste.id, idempotencyKey: 'ix-123:xp' });
    expect(replay.xp_current).toBe(before + 4);
    expect(fake.store.getExperience(bastien.id, campaign)?.xp_current).toBe(before + 4);
  });

  it.each([
    { kind: 'apply-then-status', status: 500 },
    { kind: 'apply-then-status', status: 502 },
    { kind: 'apply-then-status', status: 503 },
    { kind: 'apply-then-drop' },
  ] as const)('reports $kind $status on a POST as an unknown outcome after one attempt, applied once', async (fault) => {
    const before = fake.store.ensureExperience(bastien.id, campaign).xp_current;
    fake.clearRequests();
    fake.faults.inject({ method: 'POST', path: xpAddPath, ...fault });
    const error = await client.experience.addXp(cid, bastien.id, { amount: 2, campaignId: campaign }, { onBehalfOf: celeste.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValentinaOutcomeUnknownError);
    const unknown = error as ValentinaOutcomeUnknownError;
    expect(unknown.status).toBe('status' in fault ? fault.status : 0);
    // The API's own 500 carries its request id in the header; a proxy's page has none.
    if ('status' in fault && fault.status === 500) expect(unknown.requestId).toMatch(/^req_/);
    else expect(unknown.requestId).toBeUndefined();
    expect(fake.countRequests({ method: 'POST', path: xpAddPath })).toBe(1);
    expect(fake.store.getExperience(bastien.id, campaign)?.xp_current).toBe(before + 2);
  });

  it('retries a POST the rate limiter refused (it never reached the handler), and one that could not connect', async () => {
    const before = fake.store.ensureExperience(bastien.id, campaign).xp_current;
    fake.clearRequests();
    fake.faults.inject({ method: 'POST', path: xpAddPath, kind: 'status', status: 429, retryAfter: 0.01, times: 2 });
    const result = await client.experience.addXp(cid, bastien.id, { amount: 1, campaignId: campaign }, { onBehalfOf: celeste.id });
    expect(result.xp_current).toBe(before + 1);
    expect(fake.countRequests({ method: 'POST', path: xpAddPath })).toBe(3);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = new ValentinaClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', baseDelayMs: 1, maxDelayMs: 2, maxRetries: 2 });
    const error = await refused.experience.addXp(cid, bastien.id, { amount: 1, campaignId: campaign }, { onBehalfOf: celeste.id }).catch((e: unknown) => e);
    await refused.close();
    expect(error).toBeInstanceOf(ValentinaNetworkError);
    expect((error as ValentinaNetworkError).notSent).toBe(true);
  });

  it('retries a PATCH after a server error: it sets absolute values, so running it twice changes nothing more', async () => {
    const note = await client.notes.create(cid, mara.id, { title: 'Patch me', content: 'first' }, { onBehalfOf: mara.id });
    const notePath = `/companies/${cid}/users/${mara.id}/notes/${note.id}`;
    fake.clearRequests();
    fake.faults.inject({ method: 'PATCH', path: notePath, kind: 'apply-then-status', status: 503 });
    const updated = await client.notes.update(cid, mara.id, note.id, { content: 'second' }, { onBehalfOf: mara.id });
    expect(updated.content).toBe('second');
    expect(fake.countRequests({ method: 'PATCH', path: notePath })).toBe(2);
  });

  it('reads around the response cache when asked for a fresh read', async () => {
    const read = () => client.experience.get(cid, bastien.id, campaign, { onBehalfOf: celeste.id });
    const cached = await read();
    fake.store.ensureExperience(bastien.id, campaign).xp_current = cached.xp_current + 100;
    expect((await read()).xp_current).toBe(cached.xp_current);
    fake.clearRequests();
    expect((await client.experience.get(cid, bastien.id, campaign, { onBehalfOf: celeste.id, fresh: true })).xp_current).toBe(cached.xp_current + 100);
    expect(Object.keys(fake.requests[0]!.query)).toEqual(['_fresh']);
    fake.store.ensureExperience(bastien.id, campaign).xp_current = cached.xp_current;
    fake.flushResponseCache();
  });

  it('reports a dropped connection as a network error once retries are exhausted', async () => {
    fake.faults.inject({ method: 'GET', path: `/companies/${cid}`, kind: 'drop', times: 10 });
    const error = await client.companies.get(cid).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValentinaNetworkError);
  });

  it('times out slow answers and starts no retry past the deadline', async () => {
    fake.faults.inject({ method: 'GET', path: `/companies/${cid}`, kind: 'latency', ms: 400, times: 10 });
    fake.clearRequests();
    const error = await client.companies.get(cid, { timeoutMs: 100, deadline: Date.now() + 250 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValentinaNetworkError);
    expect((error as ValentinaNetworkError).timedOut).toBe(true);
    // 100 ms attempts inside a 250 ms deadline: at most three can start, never the client's four.
    expect(fake.countRequests({ method: 'GET', path: `/companies/${cid}` })).toBeLessThanOrEqual(3);
  });

  it('stops at once when the caller aborts, and retries nothing', async () => {
    fake.faults.inject({ method: 'GET', path: `/companies/${cid}`, kind: 'latency', ms: 2_000, times: 10 });
    fake.clearRequests();
    const caller = new AbortController();
    // Aborted while the request is at Valentina (however long it took to get there on a busy machine).
    const sent = () => fake.countRequests({ method: 'GET', path: `/companies/${cid}` }) > 0;
    void (async () => {
      while (!sent()) await new Promise((r) => setTimeout(r, 5));
      caller.abort(new Error('the user left'));
    })();
    // Without the abort the slow answer would arrive, as a company.
    const error = await client.companies.get(cid, { signal: caller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ValentinaNetworkError);
    expect(fake.countRequests({ method: 'GET', path: `/companies/${cid}` })).toBe(1);
    const already = await client.companies.get(cid, { signal: caller.signal }).catch((e: unknown) => e);
    expect(already).toBeInstanceOf(Error);
    expect(fake.countRequests({ method: 'GET', path: `/companies/${cid}` })).toBe(1);
  });

  it('walks several pages with listAll and the async iterator', async () => {
    fake.clearRequests();
    const all = await client.traits.listAll(cid, {}, undefined, 10);
    expect(all.length).toBeGreaterThan(30);
    expect(new Set(all.map((t) => t.id)).size).toBe(all.length);
    expect(fake.countRequests({ method: 'GET', path: /characterblueprint\/traits/ })).toBe(Math.ceil(all.length / 10));
    const seen: string[] = [];
    for await (const user of client.users.iterate(cid, {}, undefined, 2)) seen.push(user.username);
    const page = await client.users.page(cid, { limit: 0 });
    expect(seen).toHaveLength(page.total);
  });
});

describe('client response validation', () => {
  let server: Server;
  let client: ValentinaClient;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-request-id', 'req_shape_test_000000000000');
      res.end(JSON.stringify({ id: '0197e3c2-5a10-7f3e-8b21-4c6d2e9a1f05', name: 'No settings' }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    client = new ValentinaClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'k' });
  });
  afterAll(async () => {
    await client.close();
    await new Promise((r) => server.close(r));
  });

  it('names the endpoint and the missing field', async () => {
    const error = await client.companies.get('0197e3c2-5a10-7f3e-8b21-4c6d2e9a1f05').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValentinaResponseError);
    expect((error as Error).message).toContain('GET /companies/{cid}');
    expect((error as Error).message).toMatch(/date_created|email|settings/);
  });
});

describe('retryAfterMs', () => {
  it('takes the largest wait of the body, the RateLimit header and Retry-After', () => {
    expect(retryAfterMs(1.5, {})).toBe(1500);
    expect(retryAfterMs(0.5, { ratelimit: '"burst";r=0;t=2, "hourly";r=10;t=0' })).toBe(2000);
    expect(retryAfterMs(undefined, { 'retry-after': '3' })).toBe(3000);
    expect(retryAfterMs(undefined, {})).toBe(1000);
  });
});
