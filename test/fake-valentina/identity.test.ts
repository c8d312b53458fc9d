import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeValentina, type DiscordUserPayload, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { caller, type Caller } from './client.js';

let fake: FakeValentina;
let call: Caller;

const identify = (token: string, extra: Record<string, unknown> = {}) =>
  call<{ resolution: string; code?: string; user: Record<string, unknown> & { discord_profile: Record<string, unknown> | null } }>(
    'POST',
    `/companies/${fake.fixture.companies.chicago}/auth/identify`,
    { body: { provider: 'discord', token, ...extra } },
  );

const newcomer: DiscordUserPayload = {
  id: '918273645546372819',
  username: 'ghoulfriend',
  global_name: 'Ghoul Friend',
  avatar: null,
  discriminator: '0',
  email: 'ghoulfriend@example.net',
  verified: true,
};

describe('identify with the in-process token table', () => {
  beforeEach(async () => {
    fake = await startFakeValentina();
    call = caller(fake);
  });
  afterEach(() => fake.close());

  it('matches an existing Discord identity and refreshes the stored profile', async () => {
    const mara = fake.fixture.users.mara;
    fake.discordTokens.set('tok', { id: mara.discordId ?? '', username: 'nightwatch_', global_name: 'Watcher', avatar: 'a_abc', discriminator: '0', email: 'mara.voss@example.com', verified: true });
    const res = await identify('tok');
    expect(res.status).toBe(200);
    expect(res.body.resolution).toBe('matched');
    expect(res.body.user.id).toBe(mara.id);
    expect(res.body.user.discord_profile).toMatchObject({
      global_name: 'Watcher',
      avatar_id: 'a_abc',
      avatar_url: `https://cdn.discordapp.com/avatars/${mara.discordId}/a_abc.gif`,
    });
  });

  it('links by verified email to a user without Discord', async () => {
    fake.discordTokens.set('tok', { ...newcomer, email: 'INES.ortega@example.com' });
    const res = await identify('tok');
    expect(res.body.resolution).toBe('linked');
    expect(res.body.user.id).toBe(fake.fixture.users.ines.id);
  });

  it('does not link by an unverified email: it creates an UNAPPROVED user instead', async () => {
    fake.discordTokens.set('tok', { ...newcomer, email: 'ines.ortega@example.com', verified: false });
    const res = await identify('tok');
    expect(res.body.resolution).toBe('created');
    expect(res.body.user).toMatchObject({ role: 'UNAPPROVED', username: 'ghoulfriend', email: 'ines.ortega@example.com' });
  });

  it('creates a user, suffixing a taken username', async () => {
    fake.discordTokens.set('tok', { ...newcomer, username: 'bastien' });
    const res = await identify('tok');
    expect(res.body.resolution).toBe('created');
    expect(res.body.user).toMatchObject({ username: 'bastien-2', role: 'UNAPPROVED', name_first: null, avatar_url: 'https://cdn.discordapp.com/embed/avatars/0.png' });
    const lookup = await call<Array<{ user_id: string }>>('GET', '/users/lookup', { query: { discord_id: newcomer.id ?? '' } });
    expect(lookup.body.map((r) => r.user_id)).toEqual([res.body.user.id]);
  });

  it('needs an email for a new user: EMAIL_REQUIRED, unless the body supplies one', async () => {
    fake.discordTokens.set('tok', { id: newcomer.id, username: 'noscope' });
    const refused = await identify('tok');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'EMAIL_REQUIRED', title: 'Unprocessable Content' });
    const created = await identify('tok', { email: 'noscope@example.net', username: 'No Scope' });
    expect(created.body.user).toMatchObject({ email: 'noscope@example.net', username: 'No Scope' });
  });

  it('maps rejected and unavailable tokens', async () => {
    fake.discordTokens.set('bad', 'reject');
    fake.discordTokens.set('down', 'unavailable');
    expect((await identify('bad')).body).toMatchObject({ status: 422, code: 'TOKEN_VERIFICATION_FAILED' });
    expect((await identify('never-issued')).body.code).toBe('TOKEN_VERIFICATION_FAILED');
    expect((await identify('down')).body).toMatchObject({ status: 503, code: 'PROVIDER_UNAVAILABLE' });
    const badProvider = await call('POST', `/companies/${fake.fixture.companies.chicago}/auth/identify`, {
      body: { provider: 'Discord', token: 'x' },
    });
    expect(badProvider.status).toBe(400);
  });

  it('links a second identity only to the user themselves, and refuses one held by someone else', async () => {
    const ines = fake.fixture.users.ines.id;
    const path = `/companies/${fake.fixture.companies.chicago}/users/${ines}/identities`;
    fake.discordTokens.set('new', newcomer);
    fake.discordTokens.set('maras', { id: fake.fixture.users.mara.discordId ?? '', username: 'nightwatch_' });
    const byOther = await call('POST', path, { obo: fake.fixture.users.bastien.id, body: { provider: 'discord', token: 'new' } });
    expect(byOther.body.detail).toBe('Only the user themselves or an admin can link identities');
    const taken = await call('POST', path, { obo: ines, body: { provider: 'discord', token: 'maras' } });
    expect(taken.body).toMatchObject({ status: 409, code: 'IDENTITY_ALREADY_LINKED' });
    const linked = await call<{ discord_profile: { id: string } }>('POST', path, { obo: ines, body: { provider: 'discord', token: 'new' } });
    expect(linked.status).toBe(200);
    expect(linked.body.discord_profile.id).toBe(newcomer.id);
    const unlink = await call('DELETE', `${path}/discord`, { obo: ines });
    expect(unlink.body).toMatchObject({ status: 409, code: 'LAST_IDENTITY' });
    const notLinked = await call('DELETE', `${path}/github`, { obo: ines });
    expect(notLinked.body).toMatchObject({ status: 404, code: 'IDENTITY_NOT_LINKED' });
  });
});

describe('identify against a Discord-like HTTP API', () => {
  let discord: Server;
  const seen: string[] = [];

  beforeAll(async () => {
    discord = createServer((req, res) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      seen.push(`${req.method} ${req.url} ${token}`);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url !== '/api/users/@me') return reply(404, { message: '404: Not Found' });
      if (token === 'good') return reply(200, newcomer);
      if (token === 'no-id') return reply(200, { username: 'ghost' });
      if (token === 'limited') return reply(403, { message: 'rate limited' });
      if (token === 'broken') return reply(502, { message: 'bad gateway' });
      if (token === 'slow') return void setTimeout(() => reply(200, newcomer), 1_000);
      return reply(401, { message: '401: Unauthorized', code: 0 });
    });
    await new Promise<void>((resolve) => discord.listen(0, '127.0.0.1', resolve));
    const { port } = discord.address() as AddressInfo;
    fake = await startFakeValentina({ discordApiUrl: `http://127.0.0.1:${port}/api`, discordTimeoutMs: 200 });
    call = caller(fake);
  });
  afterAll(async () => {
    await fake.close();
    discord.closeAllConnections();
    await new Promise((resolve) => discord.close(resolve));
  });

  it('verifies the bearer token with GET /users/@me', async () => {
    const res = await identify('good');
    expect(res.body.resolution).toBe('created');
    expect(seen).toContain('GET /api/users/@me good');
  });

  it('maps 401 → 422, 403/5xx/timeout → 503 and a profile without id → 422', async () => {
    expect((await identify('revoked')).body).toMatchObject({ status: 422, code: 'TOKEN_VERIFICATION_FAILED' });
    expect((await identify('no-id')).body).toMatchObject({ status: 422, code: 'TOKEN_VERIFICATION_FAILED' });
    expect((await identify('limited')).body).toMatchObject({ status: 503, code: 'PROVIDER_UNAVAILABLE' });
    expect((await identify('broken')).body).toMatchObject({ status: 503, code: 'PROVIDER_UNAVAILABLE' });
    expect((await identify('slow')).body).toMatchObject({ status: 503, code: 'PROVIDER_UNAVAILABLE' });
  });
});
