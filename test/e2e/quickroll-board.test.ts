/**
 * `/quickroll board` on the real bot process: a message with a button per quickroll showing its pool,
 * a press that rolls it (one Valentina call on a warm cache), another member's press rolling their own
 * quickroll of that name, the board following `/quickroll create` and a sheet changed in the web app,
 * a storyteller's table board of the campaign's player characters, and quickrolls listed in natural order ("Roll 2" before "Roll 10").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { bindChicago, startStack, waitFor, type GuildMemberName, type Stack } from '../support/bot-process.js';

const { quickrolls, characters, traits, users } = FIXTURE_IDS;
const { chicago } = FIXTURE_IDS.companies;
const LUCIEN = "Lucien 'Luke' Carrow";

describe('/quickroll board', () => {
  let stack: Stack;
  let board: SimMessage;
  beforeAll(async () => {
    stack = await startStack();
    await bindChicago(stack);
  });
  afterAll(async () => {
    expect(stack.sim.violations).toEqual([]);
    await stack?.close();
  });

  type Options = Record<string, string | number | boolean>;
  const qr = (user: GuildMemberName, subcommand: string, options: Options = {}) =>
    stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command: 'quickroll', subcommand, options }).then((ix) => ix.reply());
  const current = (message: SimMessage) => stack.sim.channelMessages(message.channelId).find((m) => m.id === message.id)!;
  const parts = (message: SimMessage) => current(message).components.flatMap((row) => row.components ?? []);
  const labels = (message: SimMessage) => parts(message).map((c) => c.label);
  const press = async (user: GuildMemberName, label: string) => {
    const button = parts(board).find((c) => c.label === label);
    if (!button?.custom_id) throw new Error(`no "${label}" on the board: ${JSON.stringify(labels(board))}`);
    return stack.sim.clickButton({ user: stack.users[user], guildId: stack.guild.id, message: current(board), customId: button.custom_id });
  };
  const r1 = () => stack.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/dicerolls/quickroll'));

  it('posts a board with one button per quickroll of the character, each with its pool', async () => {
    const posted = await qr('mara', 'board');
    expect(posted.ephemeral).toBe(true);
    const link = /https:\/\/discord\.com\/channels\/(\d+)\/(\d+)\/(\d+)/.exec(posted.content);
    expect(link?.[1]).toBe(stack.guild.id);
    board = stack.sim.channelMessages(link![2]!).find((m) => m.id === link![3])!;
    expect(board.embeds[0]!.title).toBe(`🎲 Quickroll board — ${LUCIEN}`);
    expect(labels(board)).toEqual(['Command · 2 dice', 'Second Sight · no dice', 'Shoot · 5 dice', 'Sneak · 4 dice']);
    expect(parts(board).find((c) => c.label === 'Second Sight · no dice')!.disabled).toBe(true);
  });

  it('rolls the pressed quickroll for its owner: the exact roll request, and the only Valentina call on a warm cache', async () => {
    stack.fake.forceDice([6, 7, 8, 2, 3]);
    const before = stack.fake.requests.length;
    const handle = await press('mara', 'Shoot · 5 dice');
    const roll = await handle.reply();
    expect(roll.ephemeral).toBe(false);
    expect(roll.embeds[0]!.title).toBe(`🎲 ${LUCIEN} — Shoot`);
    expect(roll.embeds[0]!.fields!.find((f) => f.name === '✅ Success')?.value).toBe('**3** successes');
    const calls = stack.fake.requests.slice(before);
    expect(calls.map((c) => `${c.method} ${c.path.split('?')[0]!.replace(/^\/api\/v1/, '')}`)).toEqual([`POST /companies/${chicago}/dicerolls/quickroll`]);
    expect(calls[0]!.body).toEqual({ quickroll_id: quickrolls.shoot, character_id: characters.lucien, difficulty: 6, num_desperation_dice: 0, comment: null });
    expect(calls[0]!.headers['idempotency-key']).toBe(`${handle.id}:quickroll-board`);
    expect(calls[0]!.headers['on-behalf-of']).toBe(users.mara.id);
  });

  it("rolls another member's own quickroll of the same name, and refuses one who has none", async () => {
    const calls = r1().length;
    const refused = await (await press('bastien', 'Sneak · 4 dice')).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain(`This board is <@${stack.users.mara.id}>'s, and you have no quickroll called **Sneak**`);
    expect(r1()).toHaveLength(calls);

    const own = stack.fake.store.createQuickroll({ user_id: users.bastien.id, name: 'Shoot', trait_ids: [traits.dexterity, traits.melee] });
    stack.fake.flushResponseCache();
    await qr('bastien', 'list'); // reads bastien's list afresh, as after a change in the web app
    const rolled = await (await press('bastien', 'Shoot · 5 dice')).reply();
    expect(rolled.embeds[0]!.title).toBe('🎲 Isabeau Lenoir — Shoot');
    expect(r1().at(-1)!.body).toMatchObject({ quickroll_id: own.id, character_id: characters.isabeau });
  });

  it('follows /quickroll create at once, in natural order, as /quickroll list does', async () => {
    const edits = board.editedTimestamp;
    for (const name of ['Roll 10', 'Roll 2']) expect((await qr('mara', 'create', { name, traits: 'Wits, Resolve' })).content).toContain(`Quickroll **${name}** saved`);
    await waitFor('the board to show Roll 2', 5_000, () => labels(board).includes('Roll 2 · 5 dice'));
    expect(current(board).editedTimestamp).not.toBe(edits);
    expect(labels(board)).toEqual(['Command · 2 dice', 'Roll 2 · 5 dice', 'Roll 10 · 5 dice', 'Second Sight · no dice', 'Shoot · 5 dice', 'Sneak · 4 dice']);
    const list = await qr('mara', 'list');
    expect(list.embeds[0]!.description!.split('\n').map((line) => /^\*\*(.+?)\*\*/.exec(line)?.[1])).toEqual(['Command', 'Roll 2', 'Roll 10', 'Second Sight', 'Shoot', 'Sneak']);

    const roll2 = [...stack.fake.store.quickrolls.values()].find((q) => q.name === 'Roll 2' && !q.archived)!;
    const confirm = await qr('mara', 'delete', { quickroll: roll2.id });
    const deleteButton = confirm.components.flatMap((r) => r.components ?? []).find((c) => c.label === 'Delete Roll 2')!;
    await (await stack.sim.clickButton({ user: stack.users.mara, guildId: stack.guild.id, message: confirm.message, customId: deleteButton.custom_id! })).reply();
    await waitFor('the board to drop Roll 2', 5_000, () => !labels(board).includes('Roll 2 · 5 dice'));
  });

  it('redraws a stale board on a press: a trait raised in the web app shows in the pool', async () => {
    const firearms = [...stack.fake.store.characterTraits.values()].find((t) => t.character_id === characters.lucien && t.trait_id === traits.firearms)!;
    firearms.value = 4; // past the bot's API key
    stack.fake.flushResponseCache();
    const roll = await (await press('mara', 'Shoot · 5 dice')).reply();
    expect(roll.embeds[0]!.description).toContain('Dexterity 3 + Firearms 4 = **7 dice**');
    await waitFor('the board to show 7 dice', 5_000, () => labels(board).includes('Shoot · 7 dice'));
  });

  it("gives a storyteller a table board: the default campaign's player characters, each with its player's quickrolls, rolled as the storyteller", async () => {
    await bindChicago(stack, MAIN_CAMPAIGN_AS_DEFAULT);
    // Four more player characters of the campaign, played by Celeste: six in all, one more than a board holds.
    const hollis = ['Vera', 'Wren', 'Yara', 'Zane'].map((first, i) => {
      const row = stack.fake.store.createCharacter({ company_id: chicago, campaign_id: FIXTURE_IDS.campaigns.main, name_first: first, name_last: 'Hollis', character_class: 'MORTAL', type: 'PLAYER', user_player_id: users.celeste.id, user_creator_id: users.celeste.id });
      stack.fake.store.setCharacterTrait({ character_id: row.id, trait_id: traits.strength, value: i + 2 });
      return row;
    });
    // Not at the table: an NPC, and a player character of the archived campaign.
    stack.fake.store.createCharacter({ company_id: chicago, campaign_id: FIXTURE_IDS.campaigns.main, name_first: 'Abel', name_last: 'Npc', character_class: 'MORTAL', type: 'NPC', user_player_id: users.celeste.id, user_creator_id: users.celeste.id });
    stack.fake.store.createCharacter({ company_id: chicago, campaign_id: FIXTURE_IDS.campaigns.archived, name_first: 'Bram', name_last: 'Elsewhere', character_class: 'MORTAL', type: 'PLAYER', user_player_id: users.bastien.id, user_creator_id: users.bastien.id });
    const lift = stack.fake.store.createQuickroll({ user_id: users.celeste.id, name: 'Lift', trait_ids: [traits.strength] });
    stack.fake.flushResponseCache();
    try {
      const posted = await qr('celeste', 'board');
      expect(posted.content).toContain('It lists the player characters of **Requiem for the Loop**.');
      expect(posted.content).toContain('1 more character doesn’t fit (a board holds 5): post a board for one with `/quickroll board character:`.');
      const [, channelId, messageId] = /channels\/\d+\/(\d+)\/(\d+)/.exec(posted.content)!;
      const table = stack.sim.channelMessages(channelId!).find((m) => m.id === messageId)!;
      const menus = table.components.flatMap((row) => row.components ?? []);
      expect(menus.map((m) => [m.type, m.placeholder, m.options?.map((o) => o.label)])).toEqual([
        [3, '🎲 Isabeau Lenoir: pick a quickroll', ['Seduce · 7 dice', 'Shoot · 3 dice']],
        [3, `🎲 ${LUCIEN}: pick a quickroll`, ['Command · 2 dice', 'Roll 10 · 5 dice', 'Shoot · 7 dice', 'Sneak · 4 dice']],
        [3, '🎲 Vera Hollis: pick a quickroll', ['Lift · 2 dice']],
        [3, '🎲 Wren Hollis: pick a quickroll', ['Lift · 3 dice']],
        [3, '🎲 Yara Hollis: pick a quickroll', ['Lift · 4 dice']],
      ]);

      // Celeste rolls Mara's Shoot for Lucien: R1 acting as Celeste, with Mara's quickroll and Lucien.
      stack.fake.forceDice([6, 7, 8, 9, 2, 3, 4]);
      const before = stack.fake.requests.length;
      const handle = await stack.sim.selectMenu({ user: stack.users.celeste, guildId: stack.guild.id, message: table, customId: menus[1]!.custom_id!, values: [quickrolls.shoot] });
      const roll = await handle.reply();
      expect(roll.ephemeral).toBe(false);
      expect(roll.embeds[0]!.title).toBe(`🎲 ${LUCIEN} — Shoot`);
      const sent = stack.fake.requests.slice(before).filter((r) => r.method === 'POST' && r.path.endsWith('/dicerolls/quickroll'));
      expect(sent).toHaveLength(1);
      expect(sent[0]!.path.split('?')[0]).toBe(`/api/v1/companies/${chicago}/dicerolls/quickroll`);
      expect(sent[0]!.body).toEqual({ quickroll_id: quickrolls.shoot, character_id: characters.lucien, difficulty: 6, num_desperation_dice: 0, comment: null });
      expect(sent[0]!.headers['on-behalf-of']).toBe(users.celeste.id);
      expect(sent[0]!.headers['idempotency-key']).toBe(`${handle.id}:quickroll-board`);

      // The character left out gets a board of its own with `character`.
      const zane = await qr('celeste', 'board', { character: hollis[3]!.id });
      const [, zaneChannel, zaneId] = /channels\/\d+\/(\d+)\/(\d+)/.exec(zane.content)!;
      const single = stack.sim.channelMessages(zaneChannel!).find((m) => m.id === zaneId)!;
      expect(single.components.flatMap((row) => row.components ?? []).map((c) => c.label)).toEqual(['Lift · 5 dice']);
      const zaneRoll = await (await stack.sim.clickButton({ user: stack.users.celeste, guildId: stack.guild.id, message: single, customId: single.components[0]!.components![0]!.custom_id! })).reply();
      expect(zaneRoll.embeds[0]!.title).toBe('🎲 Zane Hollis — Lift');
      expect(r1().at(-1)!.body).toEqual({ quickroll_id: lift.id, character_id: hollis[3]!.id, difficulty: 6, num_desperation_dice: 0, comment: null });
    } finally {
      await bindChicago(stack);
    }
  });
});
