import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { caller, type Caller } from './client.js';

let fake: FakeValentina;
let call: Caller;

beforeAll(async () => {
  fake = await startFakeValentina();
  call = caller(fake);
});
afterAll(() => fake.close());

const users = () => fake.fixture.users;
const chicago = () => `/companies/${fake.fixture.companies.chicago}`;

describe('On-Behalf-Of resolution (§2.2), in order', () => {
  it('rule 1: absent on a required endpoint → 400 missing header (403 on character routes)', async () => {
    const rolls = await call('GET', `${chicago()}/dicerolls`);
    expect(rolls.status).toBe(400);
    expect(String(rolls.body.detail)).toMatch(/^Missing required header parameter 'on-behalf-of'/);
    expect(rolls.body.invalid_parameters).toEqual([{ field: 'body', message: 'One or more fields did not pass validation.' }]);
    const sheet = await call('GET', `${chicago()}/characters/${fake.fixture.characters.lucien}`);
    expect(sheet.status).toBe(403);
    expect(sheet.body.detail).toBe('On-Behalf-Of header is required');
  });

  it('rule 2: absent on an optional endpoint → proceeds', async () => {
    expect((await call('GET', `${chicago()}/users/${users().mara.id}/quickrolls`)).status).toBe(200);
  });

  it('rule 3: not a UUID → 404 naming the value', async () => {
    const res = await call('GET', `${chicago()}/users`, { obo: 'mara' });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe("User 'mara' not found");
  });

  it('rule 4: a UUID of no user → 404', async () => {
    const ghost = '0197e3d0-ffff-7fff-8fff-ffffffffffff';
    const res = await call('GET', `${chicago()}/dicerolls`, { obo: ghost });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe(`User '${ghost}' not found`);
  });

  it('rule 5: UNAPPROVED → 403, even on an optional endpoint', async () => {
    const res = await call('GET', `${chicago()}/users`, { obo: users().nadia.id });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('User has not been approved yet');
  });

  it('rule 6: DEACTIVATED → 403, identify included', async () => {
    const res = await call('GET', `${chicago()}/users/${users().mara.id}/notes`, { obo: users().otto.id });
    expect(res.status).toBe(403);
    expect(res.body.detail).toBe('User account is deactivated');
    fake.discordTokens.set('tok-otto', { id: '1', username: 'x', email: 'x@example.com', verified: true });
    const identify = await call('POST', `${chicago()}/auth/identify`, {
      obo: users().otto.id,
      body: { provider: 'discord', token: 'tok-otto' },
    });
    expect(identify.status).toBe(403);
  });

  it('rule 7: a user of another company → 404 Acting user not found', async () => {
    const res = await call('POST', `${chicago()}/dicerolls`, { obo: users().maraAnarch.id, body: {} });
    expect(res.status).toBe(404);
    expect(res.body.detail).toBe('Acting user not found');
  });

  it('the company guard runs before the acting-user rules', async () => {
    const res = await call('GET', `/companies/${fake.fixture.companies.sabbat}/users`, { obo: 'garbage' });
    expect(res.status).toBe(403);
  });

  it('campaign routes never read the header', async () => {
    expect((await call('GET', `${chicago()}/campaigns`, { obo: 'garbage' })).status).toBe(200);
  });
});

describe('U2 read as the user themselves (how /setup checks an admin)', () => {
  const self = (company: string, user: { id: string }, query = '') => call('GET', `/companies/${company}/users/${user.id}${query}`, { obo: user.id });

  it('answers with the role Valentina holds now when read around its response cache, as /setup reads it', async () => {
    const { companies } = fake.fixture;
    expect((await self(companies.chicago, users().viktor)).body.role).toBe('ADMIN');
    expect((await self(companies.chicago, users().celeste)).body.role).toBe('STORYTELLER');
    const viktor = fake.store.getUser(users().viktor.id)!;
    fake.store.updateUser(viktor, { role: 'PLAYER' });
    try {
      // A change made elsewhere (the web app) is not seen by a cached read for up to 60 s…
      expect((await self(companies.chicago, users().viktor)).body.role).toBe('ADMIN');
      // …but a query parameter the route ignores makes another cache key.
      expect((await self(companies.chicago, users().viktor, '?_fresh=1')).body.role).toBe('PLAYER');
    } finally {
      fake.store.updateUser(viktor, { role: 'ADMIN' });
    }
  });

  it('refuses the unapproved, the deactivated, another company and a company the key cannot reach', async () => {
    const { companies } = fake.fixture;
    expect(await self(companies.chicago, users().nadia)).toMatchObject({ status: 403, body: { detail: 'User has not been approved yet' } });
    expect(await self(companies.chicago, users().otto)).toMatchObject({ status: 403, body: { detail: 'User account is deactivated' } });
    const foreign = await call('GET', `/companies/${companies.chicago}/users/${users().viktor.id}`, { obo: users().rosa.id });
    expect(foreign).toMatchObject({ status: 404, body: { detail: 'Acting user not found' } });
    expect((await self(companies.chicago, users().rosa)).status).toBe(404);
    expect(await self(companies.sabbat, users().lucrezia)).toMatchObject({ status: 403, body: { detail: 'No rights to access this resource' } });
  });
});
