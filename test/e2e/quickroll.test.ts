/** `/quickroll` end to end: the dice embed, missing traits, autocomplete from cache, and managing saved pools (reroll: quickroll-reroll.test.ts). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuildBindingStore } from '../../src/identity/guild-binding.js';
import { createKeyspace } from '../../src/keyspace.js';
import type { SimMessage, VisibleReply } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { OUTCOME_COLOURS } from '../../src/stats/index.js';
import { bindChicago, startStack, type GuildMemberName, type Stack } from '../support/bot-process.js';

const { chicago } = FIXTURE_IDS.companies;
const { users, quickrolls, characters, traits } = FIXTURE_IDS;
const LUCIEN = "Lucien 'Luke' Carrow";

describe('/quickroll', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await bindChicago(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  type Options = Record<string, string | number | boolean>;
  const qr = (user: GuildMemberName, subcommand: string, options: Options = {}) =>
    stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command: 'quickroll', subcommand, options }).then((ix) => ix.reply());
  const complete = (user: GuildMemberName, subcommand: string, focused: string, options: Options) =>
    stack.sim.autocomplete({ user: stack.users[user], guildId: stack.guild.id, command: 'quickroll', subcommand, options, focused });
  const buttonId = (message: SimMessage, label: string) => message.components.flatMap((row) => row.components ?? []).find((c) => c.label === label)!.custom_id!;
  const click = async (user: GuildMemberName, reply: VisibleReply, label: string) =>
    (await stack.sim.clickButton({ user: stack.users[user], guildId: stack.guild.id, message: reply.message, customId: buttonId(reply.message, label) })).reply();
  const field = (reply: VisibleReply, name: string) => reply.embeds[0]?.fields?.find((f) => f.name.includes(name));
  const rollRequests = () => stack.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/dicerolls/quickroll'));
  const cacheKey = (kind: string, ...parts: string[]) => `${stack.redis.prefix}:quickroll:${kind}:${parts.join(':')}`;

  it('autocompletes quickrolls with their traits, characters and trait lists — from cache once warm', async () => {
    const shoot = await complete('mara', 'run', 'quickroll', { quickroll: 'sho' });
    expect(shoot).toEqual([{ name: 'Shoot — Dexterity + Firearms', value: quickrolls.shoot }]);
    expect(await complete('mara', 'run', 'character', { quickroll: quickrolls.shoot, character: 'luc' })).toEqual([{ name: LUCIEN, value: characters.lucien }]);
    expect((await complete('mara', 'create', 'traits', { name: 'Punch', traits: 'Strength, bra' }))[0]).toEqual({ name: 'Strength, Brawl', value: 'Strength, Brawl' });

    const before = stack.fake.countRequests();
    await complete('mara', 'run', 'quickroll', { quickroll: '' });
    await complete('mara', 'run', 'character', { quickroll: quickrolls.shoot, character: '' });
    await complete('mara', 'create', 'traits', { name: 'Punch', traits: 'Dex' });
    expect(stack.fake.countRequests()).toBe(before);
  });

  it('rolls a success publicly: character, pool, every die, successes, outcome colour and its reroll', async () => {
    stack.fake.forceDice([6, 7, 2, 3, 4]);
    const reply = await qr('mara', 'run', { quickroll: quickrolls.shoot });
    expect(reply.ephemeral).toBe(false);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe(`🎲 ${LUCIEN} — Shoot`);
    expect(embed.description).toContain('Dexterity 3 + Firearms 2 = **5 dice** at difficulty **6**');
    expect(embed.description).not.toMatch(/^> /m);
    expect(field(reply, 'Dice')?.value).toBe('✅ 6️⃣ 7️⃣ successes: **+2**\n▫️ 2️⃣ 3️⃣ 4️⃣ under 6: no effect');
    expect(field(reply, 'Success')).toMatchObject({ name: '✅ Success', value: '**2** successes' });
    expect(embed.color).toBe(OUTCOME_COLOURS.success);
    expect(reply.message.components.flatMap((row) => row.components ?? []).map((c) => c.label ?? c.placeholder)).toEqual(['Reroll: pick up to 3 failed dice', 'Reroll 3 failed dice']);
    const sent = rollRequests().at(-1)!;
    expect(sent.headers['idempotency-key']).toMatch(/^\d+:quickroll-roll$/);
    expect(sent.body).toMatchObject({ quickroll_id: quickrolls.shoot, character_id: characters.lucien, difficulty: 6, num_desperation_dice: 0, comment: null });
  });

  it('rolls a critical with desperation dice and a comment, named by typing', async () => {
    stack.fake.forceDice([10, 10, 10, 8, 9, 6, 10]);
    const reply = await qr('mara', 'run', { quickroll: 'shoot', character: 'Lucien', difficulty: 7, desperation: 2, comment: 'Covering fire' });
    expect(reply.embeds[0]!.color).toBe(OUTCOME_COLOURS.critical);
    expect(field(reply, 'Critical')?.value).toBe('**10** successes');
    expect(field(reply, 'Desperation dice')?.value).toBe('💥 🔟 critical, 2 each: **+2**\n▫️ 6️⃣ under 7: no effect\nSuccess with desperation: you may choose to **Overreach**.');
    expect(reply.embeds[0]!.description).toContain('> Covering fire');
    expect(reply.embeds[0]!.description).toContain('+ 2 desperation dice at difficulty **7**');
  });

  it('rolls a botch', async () => {
    stack.fake.forceDice([1, 1, 2, 3, 4]);
    const reply = await qr('mara', 'run', { quickroll: 'Shoot', comment: 'Quick draw' });
    expect(reply.embeds[0]!.color).toBe(OUTCOME_COLOURS.botch);
    expect(field(reply, 'Botch')?.value).toBe('**-2** — more ones than successes');
  });

  it('refuses a quickroll whose traits the character lacks entirely, and rolls a partial pool naming the gap', async () => {
    const calls = rollRequests().length;
    const none = await qr('mara', 'run', { quickroll: quickrolls.secondSight });
    expect(none.ephemeral).toBe(true);
    expect(none.content).toContain(`**${LUCIEN}** has none of the traits **Second Sight** needs (Auspex, Occult)`);
    expect(rollRequests()).toHaveLength(calls);

    const partial = await qr('mara', 'run', { quickroll: quickrolls.command });
    expect(partial.ephemeral).toBe(false);
    expect(partial.embeds[0]!.description).toContain('Charisma 2 = **2 dice**');
    expect(partial.embeds[0]!.description).toContain('lacks **Dominate**: left out of the pool');
  });

  it('asks which character when a member plays several, and refuses what is not theirs', async () => {
    for (const first of ['Vera', 'Wren']) {
      const row = stack.fake.store.createCharacter({ company_id: chicago, campaign_id: FIXTURE_IDS.campaigns.main, name_first: first, name_last: 'Hollis', character_class: 'MORTAL', type: 'NPC', user_player_id: users.celeste.id, user_creator_id: users.celeste.id });
      stack.fake.store.setCharacterTrait({ character_id: row.id, trait_id: traits.strength, value: 2 });
    }
    stack.fake.store.createQuickroll({ user_id: users.celeste.id, name: 'Lift', trait_ids: [traits.strength] });
    expect((await qr('celeste', 'run', { quickroll: 'Lift' })).content).toContain('You play 2 characters');
    expect((await qr('celeste', 'run', { quickroll: 'Lift', character: 'Wren' })).embeds[0]!.title).toBe('🎲 Wren Hollis — Lift');
    expect((await qr('celeste', 'run', { quickroll: 'Shoot', character: 'Wren' })).content).toContain('You have no quickroll called **Shoot**');
    expect((await qr('mara', 'run', { quickroll: 'Shoot', character: 'Isabeau' })).content).toContain("You don't play a living character called **Isabeau**");
  });

  it('never lets a player roll a storyteller character, even from a stale list', async () => {
    const secret = stack.fake.store.createCharacter({ company_id: chicago, campaign_id: FIXTURE_IDS.campaigns.main, name_first: 'Hidden', name_last: 'Hand', character_class: 'VAMPIRE', type: 'STORYTELLER', user_player_id: users.bastien.id });
    const listed = await complete('bastien', 'run', 'character', { quickroll: quickrolls.seduce, character: '' });
    expect(listed.map((c) => c.name)).toEqual(['Isabeau Lenoir']);
    const stale = [{ id: characters.isabeau, name: 'Isabeau Lenoir', type: 'PLAYER' }, { id: secret.id, name: 'Hidden Hand', type: 'STORYTELLER' }];
    await stack.redis.client.set(cacheKey('chars', chicago, users.bastien.id), JSON.stringify(stale), 'EX', 60);
    const calls = rollRequests().length;
    const refused = await qr('bastien', 'run', { quickroll: 'Seduce', character: secret.id });
    expect(refused.content).toContain('**Hidden Hand** is a storyteller character');
    expect(rollRequests()).toHaveLength(calls);
  });

  it('finds a quickroll made elsewhere, and explains one deleted meanwhile', async () => {
    const made = stack.fake.store.createQuickroll({ user_id: users.mara.id, name: 'Ghost Step', trait_ids: [traits.dexterity, traits.stealth] });
    // Written past the API: Valentina's own response cache would hide it for up to 60 s.
    stack.fake.flushResponseCache();
    expect((await qr('mara', 'run', { quickroll: 'Ghost Step' })).embeds[0]!.title).toBe(`🎲 ${LUCIEN} — Ghost Step`);
    made.archived = true;
    stack.fake.flushResponseCache();
    const gone = await qr('mara', 'run', { quickroll: made.id });
    expect(gone.ephemeral).toBe(true);
    expect(gone.content).toContain('**Ghost Step** no longer exists — it was deleted meanwhile');
    expect((await complete('mara', 'run', 'quickroll', { quickroll: 'Ghost' }))).toEqual([]);
  });

  it('creates a quickroll, refusing each kind of bad input by name', async () => {
    expect((await qr('mara', 'create', { name: 'shoot', traits: 'Dexterity' })).content).toContain('You already have a quickroll called **Shoot**');
    expect((await qr('mara', 'create', { name: '  ab ', traits: 'Dexterity' })).content).toContain('The **name** must be 3 to 50 characters long (yours has 2)');
    // Lengths past the command's declared bounds never reach the bot: Discord asks the person to fix them first.
    await expect(qr('mara', 'create', { name: 'N'.repeat(51), traits: 'Dexterity' })).rejects.toThrow('name: at most 50 characters are allowed');
    expect((await qr('mara', 'create', { name: 'Punch', traits: 'Strength, Kung Fu' })).content).toContain('no rollable trait called **Kung Fu**');
    expect((await qr('mara', 'create', { name: 'Punch', traits: ' , ' })).content).toContain('needs at least one trait');
    await expect(qr('mara', 'create', { name: 'Punch', traits: 'Strength', description: 'ok' })).rejects.toThrow('description: at least 3 characters are needed');

    // A catalogue entry Valentina no longer knows: its 400 names the trait.
    const catalogueKey = cacheKey('traits', chicago);
    const catalogue = JSON.parse((await stack.redis.client.get(catalogueKey))!) as Array<{ id: string; name: string }>;
    await stack.redis.client.set(catalogueKey, JSON.stringify([...catalogue, { id: '0197ffff-0000-7000-8000-000000000001', name: 'Blood Surge' }]), 'EX', 60);
    expect((await qr('mara', 'create', { name: 'Surge', traits: 'Strength, Blood Surge' })).content).toContain('does not accept the trait **Blood Surge**');
    await stack.redis.client.del(catalogueKey);

    const saved = await qr('mara', 'create', { name: 'Punch', traits: 'strength, Brawl', description: 'Fists first' });
    expect(saved.content).toContain('Quickroll **Punch** saved: Strength + Brawl');
    const post = stack.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/quickrolls')).at(-1)!;
    expect(post.headers['idempotency-key']).toMatch(/:quickroll-create$/);
    expect(post.body).toEqual({ name: 'Punch', description: 'Fists first', trait_ids: [traits.strength, traits.brawl] });
    expect(await complete('mara', 'run', 'quickroll', { quickroll: 'pun' })).toEqual([{ name: 'Punch — Strength + Brawl', value: expect.any(String) as string }]);
  });

  it('edits a quickroll: traits sent alone first, and every refusal named', async () => {
    expect((await qr('mara', 'edit', { quickroll: 'Punch' })).content).toContain('Say what to change');
    expect((await qr('mara', 'edit', { quickroll: 'Punch', name: 'Sneak' })).content).toContain('You already have a quickroll called **Sneak**');
    expect((await qr('mara', 'edit', { quickroll: 'Punch', traits: 'Strength, Kung Fu' })).content).toContain('**Kung Fu**');
    expect((await qr('mara', 'edit', { quickroll: 'Nope', name: 'Whatever' })).content).toContain('You have no quickroll called **Nope**');

    const punchId = [...stack.fake.store.quickrolls.values()].find((q) => q.name === 'Punch' && !q.archived)!.id;
    const current = await complete('mara', 'edit', 'traits', { quickroll: punchId, traits: '' });
    expect(current[0]).toEqual({ name: 'Strength, Brawl', value: 'Strength, Brawl' });

    const patchesBefore = stack.fake.requests.filter((r) => r.method === 'PATCH').length;
    const edited = await qr('mara', 'edit', { quickroll: punchId, name: 'Haymaker', traits: 'Strength, Brawl, Athletics', description: '-' });
    expect(edited.content).toBe('Quickroll **Punch** updated: renamed to **Haymaker**; traits now Strength + Brawl + Athletics; description removed.');
    const patches = stack.fake.requests.filter((r) => r.method === 'PATCH').slice(patchesBefore);
    expect(patches.map((p) => p.body)).toEqual([{ trait_ids: [traits.strength, traits.brawl, traits.athletics] }, { name: 'Haymaker', description: '' }]);
    const row = stack.fake.store.quickrolls.get(punchId)!;
    expect([row.name, row.description, row.trait_ids.length]).toEqual(['Haymaker', null, 3]);

    // Deleted in the web app while the bot's list still has it: Valentina's 404 is explained.
    await complete('mara', 'edit', 'quickroll', { quickroll: 'Hay' });
    row.archived = true;
    stack.fake.flushResponseCache();
    expect((await qr('mara', 'edit', { quickroll: punchId, name: 'Uppercut' })).content).toContain('**Haymaker** no longer exists — it was deleted meanwhile');
    expect((await qr('mara', 'edit', { quickroll: punchId, name: 'Uppercut' })).content).toContain('That quickroll no longer exists');
  });

  it('deletes with confirmation, keeps on request, and reports one already gone', async () => {
    stack.fake.store.createQuickroll({ user_id: users.mara.id, name: 'Frenzy', trait_ids: [traits.resolve] });
    stack.fake.flushResponseCache();
    const kept = await qr('mara', 'delete', { quickroll: 'Frenzy' });
    expect(kept.ephemeral).toBe(true);
    expect((await click('mara', kept, 'Keep it')).content).toBe('Kept — nothing was deleted.');
    const confirm = await qr('mara', 'delete', { quickroll: 'Frenzy' });
    expect(confirm.content).toContain('Delete the quickroll **Frenzy**?');
    expect((await click('mara', confirm, 'Delete Frenzy')).content).toBe('Quickroll **Frenzy** deleted.');
    expect((await qr('mara', 'list')).embeds[0]!.description).not.toContain('Frenzy');

    const rage = stack.fake.store.createQuickroll({ user_id: users.mara.id, name: 'Rage', trait_ids: [traits.strength] });
    stack.fake.flushResponseCache();
    const prompt = await qr('mara', 'delete', { quickroll: 'Rage' });
    rage.archived = true; // deleted in the web app before the click
    expect((await click('mara', prompt, 'Delete Rage')).content).toBe('**Rage** was already deleted (perhaps in the web app). Nothing else to do.');
  });

  it('pages a long list with buttons', async () => {
    for (let i = 0; i < 12; i += 1) {
      stack.fake.store.createQuickroll({ user_id: users.bastien.id, name: `Pool ${String(i).padStart(2, '0')}`, description: 'Practice', trait_ids: [traits.strength, traits.brawl] });
    }
    const first = await qr('bastien', 'list');
    expect(first.ephemeral).toBe(true);
    expect(first.embeds[0]!.footer?.text).toBe('13 quickrolls · page 1 of 2 · roll one with /quickroll run');
    expect(first.embeds[0]!.description).toContain('**Pool 00** — Strength + Brawl · *Practice*');
    const second = await click('bastien', first, 'Next');
    expect(second.embeds[0]!.footer?.text).toContain('page 2 of 2');
    expect(second.embeds[0]!.description).toContain('**Seduce** — Charisma + Persuasion');
    expect((await click('bastien', second, 'Previous')).embeds[0]!.footer?.text).toContain('page 1 of 2');
    const short = await qr('mara', 'list');
    expect(short.components).toEqual([]);
  });

  it('never rolls twice when the roll was recorded but its answer failed, and says so with the request id', async () => {
    const before = rollRequests().length;
    const rolls = () => [...stack.fake.store.diceRolls.values()].filter((r) => r.user_id === users.mara.id).length;
    const recorded = rolls();
    stack.fake.faults.inject({ kind: 'apply-then-status', status: 500, method: 'POST', path: /\/dicerolls\/quickroll$/ });
    const reply = await qr('mara', 'run', { quickroll: quickrolls.shoot });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/^Valentina didn't confirm the roll of \*\*Shoot\*\*, so it may or may not have been recorded \(request req_[\w-]+\)\./);
    expect(reply.content).not.toContain('send again');
    expect(rollRequests().length).toBe(before + 1);
    expect(rolls()).toBe(recorded + 1);
  });

  it('saves a quickroll once when its answer failed: found in the list, or sent once more when it is not there', async () => {
    const mine = () => [...stack.fake.store.quickrolls.values()].filter((q) => q.user_id === users.mara.id && !q.archived).map((q) => q.name);
    stack.fake.faults.inject({ kind: 'apply-then-status', status: 500, method: 'POST', path: /\/quickrolls$/ });
    const saved = await qr('mara', 'create', { name: 'Lost answer', traits: 'Dexterity, Firearms' });
    expect(saved.content).toContain('Quickroll **Lost answer** saved');
    stack.fake.faults.inject({ kind: 'status', status: 503, method: 'POST', path: /\/quickrolls$/ });
    const resent = await qr('mara', 'create', { name: 'Not applied', traits: 'Dexterity' });
    expect(resent.content).toContain('Quickroll **Not applied** saved');
    expect(mine().filter((n) => n === 'Lost answer' || n === 'Not applied').sort()).toEqual(['Lost answer', 'Not applied']);
  });

  it('needs a set-up server, and keeps every message within Discord limits', async () => {
    const bindings = new GuildBindingStore(stack.redis.client, createKeyspace(stack.redis.prefix).identity);
    const binding = (await bindings.get(stack.guild.id))!;
    await bindings.delete(stack.guild.id);
    try {
      const refused = await qr('mara', 'run', { quickroll: 'Shoot' });
      expect(refused.ephemeral).toBe(true);
      expect(refused.content).toContain('`/setup`');
      expect(await complete('mara', 'run', 'quickroll', { quickroll: '' })).toEqual([]);
    } finally {
      await bindings.set(binding);
    }
    expect(stack.sim.violations).toEqual([]);
  });
});
