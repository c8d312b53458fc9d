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

const u = () => fake.fixture.users;
const chicago = () => `/companies/${fake.fixture.companies.chicago}`;

function addXp(actor: string, target: string, amount = 3) {
  return call('POST', `${chicago()}/users/${target}/experience/xp/add`, {
    obo: actor,
    body: { amount, campaign_id: fake.fixture.campaigns.main },
  });
}

describe('who may grant XP (permission_grant_xp)', () => {
  it('STORYTELLER setting: staff only', async () => {
    expect((await addXp(u().celeste.id, u().mara.id)).status).toBe(201);
    expect((await addXp(u().viktor.id, u().viktor.id)).status).toBe(201);
    const self = await addXp(u().mara.id, u().mara.id);
    expect(self.status).toBe(403);
    expect(self.body.detail).toBe('User not authorized to grant or remove XP for this user');
  });

  it('PLAYER setting: players only for themselves', async () => {
    fake.store.setCompanySetting(fake.fixture.companies.chicago, 'permission_grant_xp', 'PLAYER');
    expect((await addXp(u().mara.id, u().mara.id)).status).toBe(201);
    expect((await addXp(u().mara.id, u().bastien.id)).status).toBe(403);
    expect((await addXp(u().celeste.id, u().bastien.id)).status).toBe(201);
  });

  it('UNRESTRICTED setting: any active user for anyone', async () => {
    fake.store.setCompanySetting(fake.fixture.companies.chicago, 'permission_grant_xp', 'UNRESTRICTED');
    expect((await addXp(u().mara.id, u().bastien.id)).status).toBe(201);
    const remove = await call('POST', `${chicago()}/users/${u().celeste.id}/experience/xp/remove`, {
      obo: u().bastien.id,
      body: { amount: 1, campaign_id: fake.fixture.campaigns.main },
    });
    // celeste has no record yet: it is created at zero and the removal fails for lack of XP.
    expect(remove.status).toBe(400);
  });

  it('the Anarch company is unrestricted out of the box', async () => {
    const res = await call('POST', `/companies/${fake.fixture.companies.anarch}/users/${u().rosa.id}/experience/cp/add`, {
      obo: u().maraAnarch.id,
      body: { amount: 1, campaign_id: fake.fixture.campaigns.anarch },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ cool_points: 1, xp_current: 10, xp_total: 10 });
  });
});

describe('user management', () => {
  it('approve is ADMIN-only and refuses a second approval', async () => {
    const path = `${chicago()}/users/${u().nadia.id}/approve`;
    const byStoryteller = await call('POST', path, { obo: u().celeste.id, body: { role: 'PLAYER' } });
    expect(byStoryteller.status).toBe(403);
    expect(byStoryteller.body.detail).toBe('Requesting user is not authorized to manage this user');
    const approved = await call('POST', path, { obo: u().viktor.id, body: { role: 'PLAYER' } });
    expect(approved.status).toBe(201);
    expect(approved.body.role).toBe('PLAYER');
    const again = await call('POST', path, { obo: u().viktor.id, body: { role: 'PLAYER' } });
    expect(again.status).toBe(400);
    expect(again.body.detail).toBe('User is not in UNAPPROVED status');
  });

  it('rejects unknown or unassignable roles with 400', async () => {
    const path = `${chicago()}/users/${u().nadia.id}/approve`;
    expect((await call('POST', path, { obo: u().viktor.id, body: { role: 'player' } })).status).toBe(400);
    expect((await call('POST', path, { obo: u().viktor.id, body: { role: 'DEACTIVATED' } })).status).toBe(400);
  });

  it('deny archives the user and answers 201 null; a repeat is 404', async () => {
    const path = `${chicago()}/users/${u().nadia.id}/deny`;
    const denied = await call('POST', path, { obo: u().viktor.id });
    expect(denied.status).toBe(201);
    expect(denied.text).toBe('null');
    expect((await call('POST', path, { obo: u().viktor.id })).status).toBe(404);
  });

  it('the unapproved list is ADMIN-only', async () => {
    const list = await call<{ items: Array<{ id: string }> }>('GET', `${chicago()}/users/unapproved`, { obo: u().viktor.id });
    expect(list.body.items.map((x) => x.id)).toEqual([u().nadia.id]);
    expect((await call('GET', `${chicago()}/users/unapproved`, { obo: u().celeste.id })).status).toBe(403);
  });

  it('merge copies the identity of an UNAPPROVED duplicate into the primary', async () => {
    const merged = await call<{ discord_profile: { id: string } | null }>('POST', `${chicago()}/users/merge`, {
      obo: u().viktor.id,
      body: { primary_user_id: u().ines.id, secondary_user_id: u().nadia.id },
    });
    expect(merged.status).toBe(201);
    expect(merged.body.discord_profile?.id).toBe(u().nadia.discordId);
    expect((await call('GET', `${chicago()}/users/${u().nadia.id}`)).status).toBe(404);
    const notUnapproved = await call('POST', `${chicago()}/users/merge`, {
      obo: u().viktor.id,
      body: { primary_user_id: u().ines.id, secondary_user_id: u().bastien.id },
    });
    expect(notUnapproved.body.detail).toBe('Secondary user must have UNAPPROVED role');
  });

  it('users edit themselves, only an ADMIN edits others, and the last ADMIN stays', async () => {
    const self = await call('PATCH', `${chicago()}/users/${u().mara.id}`, { obo: u().mara.id, body: { name_first: '  Mara ' } });
    expect(self.body.name_first).toBe('Mara');
    expect((await call('PATCH', `${chicago()}/users/${u().bastien.id}`, { obo: u().mara.id, body: {} })).status).toBe(403);
    expect((await call('PATCH', `${chicago()}/users/${u().mara.id}`, { obo: u().mara.id, body: { role: 'PLAYER' } })).status).toBe(403);
    const demote = await call('PATCH', `${chicago()}/users/${u().viktor.id}`, { obo: u().viktor.id, body: { role: 'PLAYER' } });
    expect(demote.status).toBe(409);
    expect(demote.body.detail).toBe('Cannot remove the last admin from the company');
    const deactivate = await call('PATCH', `${chicago()}/users/${u().bastien.id}`, { obo: u().viktor.id, body: { role: 'DEACTIVATED' } });
    expect(deactivate.body.role).toBe('DEACTIVATED');
    expect((await call('GET', `${chicago()}/users`, { obo: u().bastien.id })).status).toBe(403);
  });

  it('staff create users; a storyteller cannot create an ADMIN', async () => {
    const body = { username: 'newcomer', email: 'new@example.com', role: 'PLAYER' };
    expect((await call('POST', `${chicago()}/users`, { obo: u().mara.id, body })).status).toBe(403);
    expect((await call('POST', `${chicago()}/users`, { obo: u().celeste.id, body: { ...body, role: 'ADMIN' } })).status).toBe(403);
    const created = await call('POST', `${chicago()}/users`, { obo: u().celeste.id, body });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: 'PLAYER', discord_profile: null, lifetime_xp: 0 });
    expect(String(created.body.id)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('users may delete themselves, not others', async () => {
    expect((await call('DELETE', `${chicago()}/users/${u().mara.id}`, { obo: u().bastien.id })).status).toBe(403);
    const gone = await call('DELETE', `${chicago()}/users/${u().bastien.id}`, { obo: u().bastien.id });
    expect(gone.status).toBe(204);
    expect(gone.text).toBe('');
  });
});

describe('storyteller characters', () => {
  it('are hidden from players in lists, details and rolls', async () => {
    const asPlayer = await call<{ items: Array<{ id: string }> }>('GET', `${chicago()}/characters`, { obo: u().mara.id });
    const asStoryteller = await call<{ items: Array<{ id: string }> }>('GET', `${chicago()}/characters`, { obo: u().celeste.id });
    expect(asPlayer.body.items.map((c) => c.id)).not.toContain(fake.fixture.characters.prince);
    expect(asStoryteller.body.items.map((c) => c.id)).toContain(fake.fixture.characters.prince);
    const detail = await call('GET', `${chicago()}/characters/${fake.fixture.characters.prince}`, { obo: u().mara.id });
    expect(detail.status).toBe(403);
    const rolls = await call<{ items: Array<{ character_id: string | null }>; total: number }>('GET', `${chicago()}/dicerolls`, {
      obo: u().mara.id,
      query: { limit: '100' },
    });
    expect(rolls.body.items.map((r) => r.character_id)).not.toContain(fake.fixture.characters.prince);
    const staffRolls = await call<{ total: number }>('GET', `${chicago()}/dicerolls`, { obo: u().viktor.id });
    expect(staffRolls.body.total).toBe(rolls.body.total + 1);
  });

  it('filters "my characters in this campaign"', async () => {
    const mine = await call<{ items: Array<{ name: string; name_full: string }> }>('GET', `${chicago()}/characters`, {
      obo: u().mara.id,
      query: { campaign_id: fake.fixture.campaigns.main, user_player_id: u().mara.id, status: 'ALIVE' },
    });
    expect(mine.body.items.map((c) => c.name_full)).toEqual(["Lucien 'Luke' Carrow"]);
    const badCharacter = await call('GET', `${chicago()}/characters/nope`, { obo: u().mara.id });
    expect(badCharacter.status).toBe(404);
    expect(badCharacter.body.detail).toBe("Character 'nope' not found");
  });
});
