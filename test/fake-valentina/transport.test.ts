import { gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { caller, type Caller } from './client.js';

let fake: FakeValentina;
let call: Caller;
const ids = () => fake.fixture;
const chicago = () => `/companies/${ids().companies.chicago}`;

beforeAll(async () => {
  fake = await startFakeValentina();
  call = caller(fake);
});
afterAll(() => fake.close());

describe('authentication and company access', () => {
  it('refuses a request without X-API-KEY with 401 and a request id only in the body', async () => {
    const res = await call('GET', '/health', { apiKey: null });
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized', detail: 'API key not provided' });
    expect(res.body.request_id).toMatch(/^req_[A-Za-z0-9_-]{22}$/);
    expect(res.headers['x-request-id']).toBeUndefined();
    expect(res.headers.ratelimit).toBeUndefined();
  });

  it('refuses an unknown key with 401 Unauthorized API key', async () => {
    const res = await call('GET', '/developers/me', { apiKey: 'not-the-key' });
    expect(res.status).toBe(401);
    expect(res.body.detail).toBe('Unauthorized API key');
  });

  it('answers 403 for a company the key cannot reach, an unknown one and a malformed id', async () => {
    for (const cid of [ids().companies.sabbat, '0197e3c2-0000-7000-8000-000000000000', 'not-a-uuid']) {
      const res = await call('GET', `/companies/${cid}/users`);
      expect(res.status).toBe(403);
      expect(res.body.detail).toBe('No rights to access this resource');
      expect(res.body.instance).toBe(`${fake.url}/api/v1/companies/${cid}/users`);
    }
  });

  it('lists only the companies the key reaches, sorted by name', async () => {
    const res = await call<{ items: Array<{ name: string; settings: { permission_grant_xp: string } }>; total: number }>('GET', '/companies');
    expect(res.body.items.map((c) => c.name)).toEqual(['Anarch Free State', 'Chicago by Night']);
    expect(res.body.items[1]?.settings.permission_grant_xp).toBe('STORYTELLER');
    const me = await call<{ companies: Array<{ name: string; permission: string }> }>('GET', '/developers/me');
    expect(me.body.companies).toHaveLength(2);
  });
});

describe('response conventions', () => {
  it('sends a fresh X-Request-Id, rate-limit headers and the right Cache-Control, never an ETag', async () => {
    const cached = await call('GET', `${chicago()}/users`);
    expect(cached.headers['x-request-id']).toMatch(/^req_[A-Za-z0-9_-]{22}$/);
    expect(cached.headers['cache-control']).toBe('private, max-age=60');
    expect(cached.headers['ratelimit-policy']).toContain('"burst";q=');
    expect(cached.headers.ratelimit).toMatch(/"burst";r=\d+;t=0/);
    expect(cached.headers.etag).toBeUndefined();
    const uncached = await call('GET', `${chicago()}/statistics`);
    expect(uncached.headers['cache-control']).toBe('no-cache');
    const again = await call('GET', `${chicago()}/users`);
    expect(again.headers['x-request-id']).not.toBe(cached.headers['x-request-id']);
  });

  it('pages with the envelope and validates limit and offset', async () => {
    const page = await call<{ items: Array<{ username: string }>; limit: number; offset: number; total: number }>('GET', `${chicago()}/users`, {
      query: { limit: '2', offset: '1' },
    });
    expect(page.body).toMatchObject({ limit: 2, offset: 1, total: 7 });
    expect(page.body.items.map((u) => u.username)).toEqual(['celeste', 'ines']);
    const empty = await call<{ items: unknown[]; total: number }>('GET', `${chicago()}/users`, { query: { limit: '0' } });
    expect(empty.body).toMatchObject({ items: [], total: 7 });
    const tooMany = await call('GET', `${chicago()}/users`, { query: { limit: '500' } });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({
      detail: 'Validation failed for one or more fields.',
      invalid_parameters: [{ field: 'limit', message: 'Expected `int` <= 100' }],
    });
    const negative = await call('GET', `${chicago()}/campaigns`, { query: { offset: '-1' } });
    expect(negative.status).toBe(400);
  });

  it('allows the trait catalogue up to 1000 per page', async () => {
    const all = await call<{ items: Array<{ name: string }>; total: number }>('GET', `${chicago()}/characterblueprint/traits`, {
      query: { limit: '1000', is_rollable: 'true' },
    });
    expect(all.status).toBe(200);
    expect(all.body.items.map((t) => t.name)).toContain('Firearms');
    expect(all.body.items.map((t) => t.name)).not.toContain('Humanity');
    const over = await call('GET', `${chicago()}/characterblueprint/traits`, { query: { limit: '1001' } });
    expect(over.status).toBe(400);
  });

  it('renders timestamps with Z, and character-trait rows with +00:00', async () => {
    const user = await call('GET', `${chicago()}/users/${ids().users.mara.id}`);
    expect(user.body.date_created).toMatch(/Z$/);
    const traits = await call<{ items: Array<{ date_created: string; trait: { name: string } }> }>(
      'GET',
      `${chicago()}/characters/${ids().characters.lucien}/traits`,
      { obo: ids().users.mara.id, query: { limit: '100' } },
    );
    expect(traits.body.items.length).toBeGreaterThan(10);
    expect(traits.body.items[0]?.date_created).toMatch(/\+00:00$/);
  });

  it('answers 404 for unknown paths and 400 naming a malformed path id', async () => {
    expect((await call('POST', `${chicago()}/users/register`, { body: {} })).status).toBe(405);
    expect((await call('GET', `${chicago()}/users/${ids().users.mara.id}/campaigns`)).status).toBe(404);
    const bad = await call('GET', `${chicago()}/users/nope/quickrolls`);
    expect(bad.status).toBe(400);
    expect(bad.body.invalid_parameters).toEqual([{ field: 'user_id', message: 'Invalid UUID' }]);
  });

  it('gzips large responses when asked', async () => {
    const raw = await request(`${fake.url}/api/v1${chicago()}/users`, {
      headers: { 'x-api-key': fake.apiKey, 'accept-encoding': 'gzip' },
    });
    expect(raw.headers['content-encoding']).toBe('gzip');
    const users = JSON.parse(gunzipSync(Buffer.from(await raw.body.arrayBuffer())).toString('utf8')) as { total: number };
    expect(users.total).toBe(7);
  });
});

describe('lookup and health', () => {
  it('finds a Discord user in every company the key reaches', async () => {
    const res = await call<Array<{ company_name: string; role: string; user_id: string }>>('GET', '/users/lookup', {
      query: { discord_id: ids().users.mara.discordId ?? '' },
    });
    expect(res.body.map((r) => r.company_name).sort()).toEqual(['Anarch Free State', 'Chicago by Night']);
    const unapproved = await call<unknown[]>('GET', '/users/lookup', { query: { discord_id: ids().users.nadia.discordId ?? '' } });
    expect(unapproved.body).toEqual([
      { company_id: ids().companies.chicago, company_name: 'Chicago by Night', user_id: ids().users.nadia.id, role: 'UNAPPROVED' },
    ]);
    const hidden = await call<unknown[]>('GET', '/users/lookup', { query: { discord_id: ids().users.lucrezia.discordId ?? '' } });
    expect(hidden.body).toEqual([]);
  });

  it('requires exactly one lookup identifier', async () => {
    const none = await call('GET', '/users/lookup');
    expect(none.status).toBe(400);
    expect(none.body.detail).toBe(
      'Exactly one lookup identifier is required: email, discord_id, google_id, github_id, or apple_id.',
    );
    const two = await call('GET', '/users/lookup', { query: { email: 'a@b.c', discord_id: '' } });
    expect(two.status).toBe(400);
  });

  it('reports health', async () => {
    const res = await call('GET', '/health');
    expect(res.body).toMatchObject({ database_status: 'online', cache_status: 'online', version: '0.27.0' });
    expect(res.body.uptime).toMatch(/^\d+d \d+h \d+m \d+s$/);
  });
});

describe('seeding', () => {
  it('starts empty with seed: false and serves rows created through the store', async () => {
    const empty = await startFakeValentina({ seed: false, apiKey: 'k' });
    try {
      const emptyCall = caller(empty);
      expect((await emptyCall<{ total: number }>('GET', '/companies')).body.total).toBe(0);
      const company = empty.store.createCompany({ name: 'Camarilla Tower', settings: { permission_grant_xp: 'PLAYER' } });
      const hidden = await emptyCall('GET', `/companies/${company.id}`);
      expect(hidden.status).toBe(403);
      empty.store.grantAccess(company.id, 'USER');
      const admin = empty.store.createUser({ company_id: company.id, username: 'regent', email: 'regent@example.com', role: 'ADMIN' });
      const users = await emptyCall<{ items: Array<{ id: string }> }>('GET', `/companies/${company.id}/users`, { obo: admin.id });
      expect(users.body.items.map((x) => x.id)).toEqual([admin.id]);
      const shown = await emptyCall('GET', `/companies/${company.id}`);
      expect(shown.body).toMatchObject({ name: 'Camarilla Tower', num_users: 1, settings: { permission_grant_xp: 'PLAYER' } });
    } finally {
      await empty.close();
    }
  });

  it('bumps resources_modified_at on audited writes but not on dice rolls', async () => {
    const before = (await call('GET', chicago())).body.resources_modified_at;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await call('POST', `${chicago()}/dicerolls`, { obo: ids().users.mara.id, body: {} });
    expect((await call('GET', chicago())).body.resources_modified_at).toBe(before);
    await call('POST', `${chicago()}/users/${ids().users.mara.id}/notes`, { body: { title: 'Ledger', content: 'Three boons.' } });
    expect((await call('GET', chicago())).body.resources_modified_at).not.toBe(before);
  });
});
