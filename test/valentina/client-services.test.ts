/** Every service method of the client against the fake Valentina over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS as ids } from '../../packages/sandbox/src/fixture.js';
import { ValentinaClient, XP_PER_COOL_POINT } from '../../src/valentina/index.js';

const cid = ids.companies.chicago;
const { viktor, celeste, bastien, nadia } = ids.users;
const mara = { ...ids.users.mara, discordId: '402817294562377729' };

describe('ValentinaClient services', () => {
  let fake: FakeValentina;
  let client: ValentinaClient;

  beforeAll(async () => {
    fake = await startFakeValentina();
    client = new ValentinaClient({ baseUrl: fake.url, apiKey: fake.apiKey, baseDelayMs: 5 });
  });
  afterAll(async () => {
    await client.close();
    await fake.close();
  });

  it('reads health, the developer and companies', async () => {
    expect((await client.health()).database_status).toBe('online');
    const me = await client.developers.me();
    expect(me.companies.map((c) => c.company_id)).toContain(cid);
    const companies = await client.companies.listAll();
    expect(companies.map((c) => c.name)).toEqual(expect.arrayContaining(['Chicago by Night', 'Anarch Free State']));
    expect(companies.map((c) => c.id)).not.toContain(ids.companies.sabbat);
    const company = await client.companies.get(cid);
    expect(company.settings.permission_grant_xp).toBe('STORYTELLER');
    expect((await client.companies.statistics(cid, { numTopTraits: 3 })).total_rolls).toBeGreaterThan(0);
  });

  it('looks users up by Discord id across companies', async () => {
    const found = await client.users.lookup({ discordId: mara.discordId });
    expect(found.map((f) => f.company_id).sort()).toEqual([ids.companies.anarch, cid].sort());
    expect(await client.users.lookup({ discordId: '100000000000000000' })).toEqual([]);
  });

  it('gets, lists, creates, updates and deletes users', async () => {
    const detail = await client.users.get(cid, mara.id, { include: ['quickrolls', 'characters'] });
    expect(detail.quickrolls?.length).toBeGreaterThan(0);
    expect(detail.notes).toBeUndefined();
    const players = await client.users.listAll(cid, { role: 'PLAYER' });
    expect(players.every((u) => u.role === 'PLAYER')).toBe(true);
    const created = await client.users.create(cid, { username: 'newcomer', email: 'new@example.com', role: 'PLAYER' }, { onBehalfOf: viktor.id });
    const updated = await client.users.update(cid, created.id, { name_first: 'Nova' }, { onBehalfOf: viktor.id });
    expect(updated.name_first).toBe('Nova');
    await client.users.delete(cid, created.id, { onBehalfOf: viktor.id });
    await expect(client.users.get(cid, created.id)).rejects.toMatchObject({ status: 404 });
    expect((await client.users.statistics(cid, mara.id)).total_rolls).toBeGreaterThan(0);
  });

  it('approves, denies and merges unapproved users as an admin', async () => {
    const pending = await client.users.listUnapproved(cid, { onBehalfOf: viktor.id });
    expect(pending.map((u) => u.id)).toContain(nadia.id);
    const approved = await client.users.approve(cid, nadia.id, 'PLAYER', { onBehalfOf: viktor.id });
    expect(approved.role).toBe('PLAYER');
    const a = fake.store.createUser({ company_id: cid, username: 'pending-a', email: 'a@example.com', role: 'UNAPPROVED' });
    await client.users.deny(cid, a.id, { onBehalfOf: viktor.id });
    await expect(client.users.get(cid, a.id)).rejects.toMatchObject({ status: 404 });
    const b = fake.store.createUser({ company_id: cid, username: 'pending-b', email: 'b@example.com', role: 'UNAPPROVED' });
    const merged = await client.users.merge(cid, { primaryUserId: bastien.id, secondaryUserId: b.id }, { onBehalfOf: viktor.id });
    expect(merged.id).toBe(bastien.id);
  });

  it('identifies, links and unlinks Discord identities', async () => {
    fake.discordTokens.set('tok-new', { id: '555555555555555555', username: 'ghoulfriend', email: 'ghoul@example.net', verified: true });
    const created = await client.identity.identify(cid, { provider: 'discord', token: 'tok-new' });
    expect(created.resolution).toBe('created');
    expect(created.user.role).toBe('UNAPPROVED');
    fake.discordTokens.set('tok-mara', { id: mara.discordId, username: 'nightwatch_', email: 'mara.voss@example.com', verified: true });
    expect((await client.identity.identify(cid, { provider: 'discord', token: 'tok-mara' })).resolution).toBe('matched');
    await expect(client.identity.unlink(cid, mara.id, 'discord', { onBehalfOf: mara.id })).rejects.toMatchObject({ code: 'LAST_IDENTITY', status: 409 });
    const ines = ids.users.ines;
    fake.discordTokens.set('tok-ines', { id: '666666666666666666', username: 'ines', email: 'ines@example.com', verified: true });
    const linked = await client.identity.link(cid, ines.id, { provider: 'discord', token: 'tok-ines' }, { onBehalfOf: ines.id });
    expect(linked.discord_profile?.id).toBe('666666666666666666');
  });

  it('reads and changes experience with the fixed cool point rate', async () => {
    const campaign = ids.campaigns.main;
    const before = await client.experience.get(cid, bastien.id, campaign);
    const added = await client.experience.addXp(cid, bastien.id, { amount: 5, campaignId: campaign }, { onBehalfOf: celeste.id });
    expect(added.xp_current).toBe(before.xp_current + 5);
    const removed = await client.experience.removeXp(cid, bastien.id, { amount: 2, campaignId: campaign }, { onBehalfOf: celeste.id });
    expect(removed.xp_current).toBe(before.xp_current + 3);
    const cp = await client.experience.addCoolPoints(cid, bastien.id, { amount: 1, campaignId: campaign }, { onBehalfOf: celeste.id });
    expect(cp.cool_points).toBe(before.cool_points + 1);
    expect(cp.xp_current).toBe(before.xp_current + 3 + XP_PER_COOL_POINT);
  });

  it('manages quickrolls and rolls them', async () => {
    const list = await client.quickrolls.listAll(cid, mara.id);
    expect(list.map((q) => q.name)).toContain('Shoot');
    const shoot = await client.quickrolls.get(cid, mara.id, ids.quickrolls.shoot);
    const traits = await client.traits.listAll(cid, { isRollable: true });
    expect(traits.length).toBeGreaterThan(20);
    const created = await client.quickrolls.create(cid, mara.id, { name: 'Punch', trait_ids: [ids.traits.strength, ids.traits.brawl] }, { onBehalfOf: mara.id });
    const edited = await client.quickrolls.update(cid, mara.id, created.id, { name: 'Haymaker' }, { onBehalfOf: mara.id });
    expect(edited.name).toBe('Haymaker');
    await client.quickrolls.delete(cid, mara.id, created.id, { onBehalfOf: mara.id });
    fake.forceDice([10, 10, 7, 8, 9]);
    const roll = await client.dicerolls.rollQuickroll(cid, { quickrollId: shoot.id, characterId: ids.characters.lucien }, { onBehalfOf: mara.id });
    expect(roll.result?.total_result_type).toBe('CRITICAL');
    const free = await client.dicerolls.create(cid, { num_dice: 3, difficulty: 6 }, { onBehalfOf: mara.id });
    expect(await client.dicerolls.get(cid, free.id, { onBehalfOf: mara.id })).toMatchObject({ id: free.id });
    const mine = await client.dicerolls.listAll(cid, { userId: mara.id }, { onBehalfOf: mara.id });
    expect(mine.map((r) => r.id)).toEqual(expect.arrayContaining([roll.id, free.id]));
  });

  it('manages notes', async () => {
    const note = await client.notes.create(cid, mara.id, { title: 'Elysium', content: 'The Prince owes us.' });
    expect((await client.notes.listAll(cid, mara.id)).map((n) => n.id)).toContain(note.id);
    expect((await client.notes.update(cid, mara.id, note.id, { title: 'Elysium night' })).title).toBe('Elysium night');
    expect((await client.notes.get(cid, mara.id, note.id)).content).toBe('The Prince owes us.');
    await client.notes.delete(cid, mara.id, note.id);
    await expect(client.notes.get(cid, mara.id, note.id)).rejects.toMatchObject({ status: 404 });
  });

  it('reads campaigns and characters', async () => {
    const campaigns = await client.campaigns.listAll(cid);
    expect(campaigns.map((c) => c.id)).toContain(ids.campaigns.main);
    expect((await client.campaigns.get(cid, ids.campaigns.main)).id).toBe(ids.campaigns.main);
    expect((await client.campaigns.statistics(cid, ids.campaigns.main)).total_rolls).toBeGreaterThanOrEqual(0);
    const maras = await client.characters.listAll(cid, { userPlayerId: mara.id, status: 'ALIVE' }, { onBehalfOf: mara.id });
    expect(maras.map((c) => c.id)).toContain(ids.characters.lucien);
    const detail = await client.characters.get(cid, ids.characters.lucien, { include: ['traits'] }, { onBehalfOf: mara.id });
    expect(detail.traits?.length).toBeGreaterThan(0);
    const rollable = await client.characters.traits(cid, ids.characters.lucien, { isRollable: true }, { onBehalfOf: mara.id });
    expect(rollable.length).toBeGreaterThan(0);
    expect((await client.characters.statistics(cid, ids.characters.lucien, {}, { onBehalfOf: mara.id })).total_rolls).toBeGreaterThanOrEqual(0);
  });
});
