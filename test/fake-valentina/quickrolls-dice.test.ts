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

const f = () => fake.fixture;
const chicago = () => `/companies/${f().companies.chicago}`;
const mara = () => f().users.mara.id;

interface Roll {
  /** Present on problem answers. */
  detail?: string;
  num_dice: number;
  trait_ids: string[];
  comment: string | null;
  campaign_id: string | null;
  user_id: string;
  result: Record<string, unknown>;
}

function quickroll(quickrollId: string, extra: Record<string, unknown> = {}, obo = mara()) {
  return call<Roll>('POST', `${chicago()}/dicerolls/quickroll`, {
    obo,
    body: { quickroll_id: quickrollId, character_id: f().characters.lucien, ...extra },
  });
}

describe('running a quickroll (R1)', () => {
  it('rolls Dexterity + Firearms with forced dice: the 1 cancels the 10', async () => {
    fake.forceDice([8, 1, 10, 3, 6]);
    const res = await quickroll(f().quickrolls.shoot);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ num_dice: 5, comment: 'Quick roll: Shoot', campaign_id: f().campaigns.main, user_id: mara() });
    expect(res.body.result).toEqual({
      total_result: 2,
      total_result_type: 'SUCCESS',
      total_result_humanized: '2 Successes',
      total_dice_roll: [1, 3, 6, 8, 10],
      player_roll: [1, 3, 6, 8, 10],
      desperation_roll: [],
      total_dice_roll_emoji: '1️⃣ 3️⃣ 6️⃣ 8️⃣ 🔟',
      total_dice_roll_shortcode: ':one: :three: :six: :eight: :keycap_ten:',
      player_roll_emoji: '1️⃣ 3️⃣ 6️⃣ 8️⃣ 🔟',
      player_roll_shortcode: ':one: :three: :six: :eight: :keycap_ten:',
      desperation_roll_emoji: '',
      desperation_roll_shortcode: '',
    });
  });

  it.each([
    { dice: [10, 10, 7, 6, 2], type: 'CRITICAL', total: 6, text: '6 Successes' },
    { dice: [6, 2, 3, 4, 5], type: 'SUCCESS', total: 1, text: '1 Success' },
    { dice: [2, 3, 4, 5, 5], type: 'FAILURE', total: 0, text: '0 Successes' },
    { dice: [1, 2, 3, 4, 5], type: 'BOTCH', total: -1, text: '-1 Successes' },
  ])('scores $type', async ({ dice, type, total, text }) => {
    fake.forceDice(dice);
    const res = await quickroll(f().quickrolls.shoot);
    expect(res.body.result).toMatchObject({ total_result_type: type, total_result: total, total_result_humanized: text });
  });

  it('counts desperation dice in the same tally', async () => {
    fake.forceDice([6, 6, 2, 2, 2, 10]);
    const res = await quickroll(f().quickrolls.shoot, { num_desperation_dice: 1, difficulty: 6, comment: 'Now!' });
    expect(res.body.comment).toBe('Now!');
    expect(res.body.result).toMatchObject({ player_roll: [2, 2, 2, 6, 6], desperation_roll: [10], total_result: 4 });
  });

  it('builds a partial pool when the character lacks some traits', async () => {
    const res = await quickroll(f().quickrolls.command);
    expect(res.status).toBe(201);
    expect(res.body.num_dice).toBe(2);
    expect(res.body.trait_ids).toEqual([f().traits.charisma, f().traits.dominate]);
  });

  it('refuses when the character has none of the traits', async () => {
    const res = await quickroll(f().quickrolls.secondSight);
    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('This character does not have the traits required to roll this quick roll');
  });

  it('refuses a player running another user\'s quickroll or a storyteller character', async () => {
    expect((await quickroll(f().quickrolls.seduce)).status).toBe(403);
    const st = await quickroll(f().quickrolls.shoot, { character_id: f().characters.prince });
    expect(st.status).toBe(403);
    expect((await quickroll(f().quickrolls.seduce, {}, f().users.viktor.id)).status).toBe(201);
  });

  it('rejects characters and quickrolls outside the company', async () => {
    const res = await quickroll(f().quickrolls.shoot, { character_id: f().characters.nox });
    expect(res.body.detail).toBe(`Character ${f().characters.nox} not found`);
    const unknown = '0197e412-0000-7000-8000-000000000000';
    expect((await quickroll(unknown)).body.detail).toBe(`Quick roll ${unknown} not found`);
  });
});

describe('free rolls (R2) and reading rolls (R3, R4)', () => {
  it('rolls other dice sizes without a success tally type', async () => {
    fake.forceDice([17, 3]);
    const res = await call<Roll>('POST', `${chicago()}/dicerolls`, {
      obo: mara(),
      body: { num_dice: 2, dice_size: 20, difficulty: 10 },
    });
    expect(res.body.result).toMatchObject({ total_result: 0, total_result_type: 'OTHER', player_roll_shortcode: ':three: `17`', player_roll_emoji: '3️⃣ 17' });
    const noDifficulty = await call<Roll>('POST', `${chicago()}/dicerolls`, { obo: mara(), body: {} });
    expect(noDifficulty.body.result).toMatchObject({ total_result: null, total_result_type: 'OTHER', total_result_humanized: '' });
    expect((await call('POST', `${chicago()}/dicerolls`, { obo: mara(), body: { dice_size: 12 } })).status).toBe(400);
  });

  it('stores trait ids as Trait ids and rejects campaigns of other companies', async () => {
    const lucienDex = fake.store.traitsOfCharacter(f().characters.lucien).find((t) => t.trait_id === f().traits.dexterity);
    const res = await call<Roll>('POST', `${chicago()}/dicerolls`, {
      obo: mara(),
      body: { num_dice: 3, difficulty: 6, trait_ids: [lucienDex?.id] },
    });
    expect(res.body.trait_ids).toEqual([f().traits.dexterity]);
    const foreign = await call('POST', `${chicago()}/dicerolls`, { obo: mara(), body: { campaign_id: f().campaigns.anarch } });
    expect(foreign.body.detail).toBe(`Campaign ${f().campaigns.anarch} not found`);
  });

  it('lists newest first and hides storyteller-character rolls from players', async () => {
    fake.forceDice([6]);
    const made = await call<Roll & { id: string }>('POST', `${chicago()}/dicerolls`, { obo: mara(), body: { difficulty: 6 } });
    const list = await call<{ items: Array<{ id: string }> }>('GET', `${chicago()}/dicerolls`, { obo: mara(), query: { userid: mara() } });
    expect(list.body.items[0]?.id).toBe(made.body.id);
    const princeRoll = [...fake.store.diceRolls.values()].find((r) => r.character_id === f().characters.prince);
    expect((await call('GET', `${chicago()}/dicerolls/${princeRoll?.id}`, { obo: mara() })).status).toBe(403);
    expect((await call('GET', `${chicago()}/dicerolls/${princeRoll?.id}`, { obo: f().users.celeste.id })).status).toBe(200);
  });

  it('computes statistics from the seeded rolls', async () => {
    const stats = await call<{ total_rolls: number; top_traits: Array<{ name: string; usage_count: number }>; botches: number }>(
      'GET',
      `${chicago()}/users/${mara()}/statistics`,
    );
    expect(stats.body).toMatchObject({ total_rolls: 5, botches: 1, criticals: 1, successes: 2, failures: 1 });
    expect(stats.body.top_traits[0]).toMatchObject({ name: 'Dexterity', usage_count: 2 });
    const company = await call<{ total_rolls: number }>('GET', `${chicago()}/statistics`, { query: { num_top_traits: '2' } });
    expect(company.body.total_rolls).toBe(7);
  });
});

describe('quickroll management (Q1–Q5)', () => {
  it('creates with CharacterTrait ids converted and duplicates collapsed', async () => {
    const sheet = fake.store.traitsOfCharacter(f().characters.lucien);
    const wits = sheet.find((t) => t.trait_id === f().traits.wits);
    const res = await call<{ trait_ids: string[]; description: string; name: string }>('POST', `${chicago()}/users/${mara()}/quickrolls`, {
      obo: mara(),
      body: { name: '  Notice ', trait_ids: [wits?.id, f().traits.wits, f().traits.awareness] },
    });
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('Notice');
    expect(res.body.description).toBe('');
    expect(res.body.trait_ids.sort()).toEqual([f().traits.wits, f().traits.awareness].sort());
  });

  it('validates trait ids', async () => {
    const empty = await call('POST', `${chicago()}/users/${mara()}/quickrolls`, { obo: mara(), body: { name: 'Nothing', trait_ids: [] } });
    expect(empty.body).toMatchObject({ status: 400, detail: 'Quick roll must have at least one trait' });
    const bogus = '0197d100-0000-7000-8000-000000000000';
    const unknown = await call('POST', `${chicago()}/users/${mara()}/quickrolls`, { obo: mara(), body: { name: 'Bogus', trait_ids: [bogus] } });
    expect(unknown.body).toMatchObject({
      detail: 'Trait not found',
      invalid_parameters: [{ field: 'trait_ids', message: `Trait ${bogus} not found` }],
    });
  });

  it('lets only the owner or an ADMIN write, and 404s a quickroll under the wrong user', async () => {
    const path = `${chicago()}/users/${mara()}/quickrolls/${f().quickrolls.sneak}`;
    expect((await call('PATCH', path, { obo: f().users.bastien.id, body: { name: 'Mine now' } })).status).toBe(403);
    expect((await call('PATCH', path, { obo: f().users.viktor.id, body: { description: 'Edited by the admin' } })).status).toBe(200);
    const wrongUser = `${chicago()}/users/${f().users.bastien.id}/quickrolls/${f().quickrolls.sneak}`;
    expect((await call('GET', wrongUser)).body.detail).toBe('Quick roll not found');
    expect((await call('DELETE', path, { obo: mara() })).status).toBe(204);
    expect((await call('DELETE', path, { obo: mara() })).status).toBe(404);
    const list = await call<{ items: Array<{ name: string }> }>('GET', `${chicago()}/users/${mara()}/quickrolls`);
    expect(list.body.items.map((q) => q.name)).toEqual(['Command', 'Second Sight', 'Shoot']);
  });
});
