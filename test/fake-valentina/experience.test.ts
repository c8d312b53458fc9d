import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { caller, type Caller } from './client.js';

let fake: FakeValentina;
let call: Caller;

beforeEach(async () => {
  fake = await startFakeValentina();
  call = caller(fake);
});
afterEach(() => fake.close());

const ids = () => fake.fixture;
const xpPath = (kind: string, user = ids().users.mara.id) =>
  `/companies/${ids().companies.chicago}/users/${user}/experience/${kind}`;
const asCeleste = (amount: number, campaign: string = ids().campaigns.main) => ({
  obo: ids().users.celeste.id,
  body: { amount, campaign_id: campaign },
});

describe('experience and cool points', () => {
  it('reads the seeded record and creates a zero one on first read', async () => {
    const mara = await call('GET', xpPath(ids().campaigns.main));
    expect(mara.body).toMatchObject({ xp_current: 21, xp_total: 57, cool_points: 2, id: ids().experience.maraMain });
    expect(fake.store.getExperience(ids().users.ines.id, ids().campaigns.main)).toBeUndefined();
    const ines = await call('GET', xpPath(ids().campaigns.main, ids().users.ines.id));
    expect(ines.body).toMatchObject({ xp_current: 0, xp_total: 0, cool_points: 0 });
    expect(fake.store.getExperience(ids().users.ines.id, ids().campaigns.main)).toBeDefined();
    expect((await call('GET', xpPath(ids().campaigns.archived))).status).toBe(404);
  });

  it('converts a cool point into 10 XP and counts it in the lifetime totals', async () => {
    const res = await call('POST', xpPath('cp/add'), asCeleste(2));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ xp_current: 41, xp_total: 77, cool_points: 4 });
    const user = await call('GET', `/companies/${ids().companies.chicago}/users/${ids().users.mara.id}`);
    expect(user.body).toMatchObject({ lifetime_xp: 82, lifetime_cool_points: 4 });
  });

  it('adds XP to current, total and lifetime; removing only lowers current', async () => {
    await call('POST', xpPath('xp/add'), asCeleste(5));
    const removed = await call('POST', xpPath('xp/remove'), asCeleste(20));
    expect(removed.body).toMatchObject({ xp_current: 6, xp_total: 62 });
    expect(fake.store.getUser(ids().users.mara.id)?.lifetime_xp).toBe(67);
  });

  it('refuses to remove more XP than the user has, changing nothing', async () => {
    const res = await call('POST', xpPath('xp/remove'), asCeleste(22));
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('User does not have enough XP to complete the action.');
    expect(res.body.invalid_parameters).toBeUndefined();
    expect(res.body.code).toBeUndefined();
    expect(fake.store.getExperience(ids().users.mara.id, ids().campaigns.main)?.xp_current).toBe(21);
  });

  it('rejects non-positive amounts and campaigns outside the company', async () => {
    const zero = await call('POST', xpPath('xp/add'), asCeleste(0));
    expect(zero.status).toBe(400);
    expect((zero.body.invalid_parameters as Array<{ field: string }>)[0]?.field).toBe('amount');
    const foreign = await call('POST', xpPath('xp/add'), asCeleste(1, ids().campaigns.anarch));
    expect(foreign.status).toBe(404);
    expect(foreign.body.detail).toBe('Campaign not found');
    const archived = await call('POST', xpPath('xp/add'), asCeleste(1, ids().campaigns.archived));
    expect(archived.status).toBe(404);
  });

  it('requires the acting user', async () => {
    const res = await call('POST', xpPath('xp/add'), { body: { amount: 1, campaign_id: ids().campaigns.main } });
    expect(res.status).toBe(400);
  });
});
