/**
 * `/roll dice` end to end: number and trait pools recorded in Valentina as R2 rolls (the exact body
 * asserted), autocomplete with dots and pool size from cache, a misspelled trait, who may roll for
 * whom, secret rolls, Save as quickroll exactly once, and one Valentina call per roll once warm.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage, VisibleReply } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { bindChicago, startStack, waitFor, type GuildMemberName, type Stack } from '../support/bot-process.js';

const { users, characters, traits, campaigns } = FIXTURE_IDS;
const LUCIEN = "Lucien 'Luke' Carrow";

describe('/roll dice', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await bindChicago(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  type Options = Record<string, string | number | boolean>;
  const roll = (user: GuildMemberName, options: Options) =>
    stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command: 'roll', subcommand: 'dice', options }).then((ix) => ix.reply());
  const complete = (user: GuildMemberName, focused: string, options: Options) =>
    stack.sim.autocomplete({ user: stack.users[user], guildId: stack.guild.id, command: 'roll', subcommand: 'dice', options, focused });
  const buttonId = (message: SimMessage, label: string) => message.components.flatMap((row) => row.components ?? []).find((c) => c.label === label)!.custom_id!;
  const click = (user: GuildMemberName, message: SimMessage, label: string) => stack.sim.clickButton({ user: stack.users[user], guildId: stack.guild.id, message, customId: buttonId(message, label) });
  const rollRequests = () => stack.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/dicerolls'));
  /** The reply and the Valentina requests the command made (method and path). */
  const counted = async (send: () => Promise<VisibleReply>) => {
    const before = stack.fake.requests.length;
    const reply = await send();
    return { reply, calls: stack.fake.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/^\/api\/v1/, '').split('?')[0]}`) };
  };
  const field = (reply: VisibleReply, name: string) => reply.embeds[0]?.fields?.find((f) => f.name.includes(name));

  it("autocompletes a pool from the player's sheet with dots and the pool size, from cache once warm", async () => {
    expect((await complete('mara', 'pool', { pool: 'Dexterity + Fir' }))[0]).toEqual({ name: 'Dexterity ●●● + Firearms ●● = 5 dice', value: 'Dexterity + Firearms' });
    const before = stack.fake.countRequests();
    expect((await complete('mara', 'pool', { pool: 'Wits + Inv' }))[0]).toEqual({ name: 'Wits ●●● + Investigation ●●● = 6 dice', value: 'Wits + Investigation' });
    expect((await complete('mara', 'pool', { pool: 'Strenght + 2' }))[0]).toEqual({ name: 'Strength ●● + 2 = 4 dice', value: 'Strength + 2' });
    expect(stack.fake.countRequests()).toBe(before);
  });

  it('rolls a pool of traits for the player\'s character, recorded in Valentina with its traits, character and campaign', async () => {
    stack.fake.forceDice([6, 7, 2, 3, 9]);
    const reply = await roll('mara', { pool: 'Dexterity + Firearms', difficulty: 7, comment: 'Covering fire' });
    expect(reply.ephemeral).toBe(false);
    expect(reply.embeds[0]!.title).toBe(`🎲 ${LUCIEN} — Dexterity + Firearms`);
    expect(reply.embeds[0]!.description).toContain('Dexterity 3 + Firearms 2 = **5 dice** at difficulty **7**');
    expect(reply.embeds[0]!.description).toContain('> Covering fire');
    expect(field(reply, 'Success')?.value).toBe('**2** successes');
    const sent = rollRequests().at(-1)!;
    expect(sent.headers['idempotency-key']).toMatch(/^\d+:roll$/);
    expect(sent.headers['on-behalf-of']).toBe(users.mara.id);
    expect(sent.body).toEqual({
      num_dice: 5,
      difficulty: 7,
      dice_size: 10,
      num_desperation_dice: 0,
      comment: 'Covering fire',
      trait_ids: [traits.dexterity, traits.firearms],
      character_id: characters.lucien,
      campaign_id: campaigns.main,
    });
  });

  it('costs one Valentina call per roll on a warm cache, and /stats counts it', async () => {
    const stats = () => stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'stats', subcommand: 'me', options: {} }).then((ix) => ix.reply());
    const total = (reply: VisibleReply) => Number(reply.embeds[0]!.fields!.find((f) => f.name === 'Rolls')!.value);
    const before = total(await stats());
    const warm = await counted(() => roll('mara', { pool: 'Strength + Brawl', difficulty: 6 }));
    expect(warm.reply.embeds[0]!.description).toContain('Strength 2 + Brawl 2 = **4 dice**');
    expect(warm.calls).toEqual([expect.stringMatching(/^POST \/companies\/[\w-]+\/dicerolls$/)]);
    const number = await counted(() => roll('mara', { pool: '3', difficulty: 6 }));
    expect(number.calls).toHaveLength(1);
    expect(total(await stats())).toBe(before + 2);
  });

  it('rolls a plain number of dice, and an NPC pool for a storyteller with no character', async () => {
    stack.fake.forceDice([10, 10, 8, 1]);
    const mine = await roll('mara', { pool: '4', difficulty: 6 });
    expect(mine.embeds[0]!.title).toBe(`🎲 ${LUCIEN} — 4 dice`);
    expect(mine.embeds[0]!.description).toContain('Pool 4 = **4 dice** at difficulty **6**');
    expect(rollRequests().at(-1)!.body).toMatchObject({ num_dice: 4, trait_ids: [], character_id: characters.lucien });

    const npc = await roll('celeste', { pool: '7', difficulty: 8, desperation: 2, comment: 'The ghoul lunges' });
    expect(npc.ephemeral).toBe(false);
    expect(npc.embeds[0]!.title).toBe('🎲 NPC — 7 dice');
    expect(rollRequests().at(-1)!.body).toEqual({ num_dice: 7, difficulty: 8, dice_size: 10, num_desperation_dice: 2, comment: 'The ghoul lunges', trait_ids: [], character_id: null, campaign_id: null });
  });

  it('suggests the trait a misspelled name meant, and rolls nothing', async () => {
    const calls = rollRequests().length;
    const reply = await roll('mara', { pool: 'Strenght + Brawl', difficulty: 6 });
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toContain('There is no rollable trait called **Strenght**');
    expect(reply.content).toContain('Did you mean **Strength**?');
    expect(rollRequests()).toHaveLength(calls);
  });

  it("lets a storyteller roll for a player's character, and refuses a player rolling for another player's", async () => {
    const options = await complete('celeste', 'character', { pool: '', character: 'isa' });
    expect(options).toEqual([{ name: 'Isabeau Lenoir', value: characters.isabeau }]);
    const st = await roll('celeste', { pool: 'Charisma + Persuasion', difficulty: 6, character: characters.isabeau });
    expect(st.ephemeral).toBe(false);
    expect(st.embeds[0]!.title).toBe('🎲 Isabeau Lenoir — Charisma + Persuasion');
    expect(rollRequests().at(-1)!.body).toMatchObject({ num_dice: 7, character_id: characters.isabeau, trait_ids: [traits.charisma, traits.persuasion] });
    expect(rollRequests().at(-1)!.headers['on-behalf-of']).toBe(users.celeste.id);

    const calls = rollRequests().length;
    const refused = await roll('mara', { pool: 'Charisma', difficulty: 6, character: 'Isabeau' });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('**Isabeau Lenoir** is not your character: only its player, a storyteller or an admin can roll for it.');
    expect(rollRequests()).toHaveLength(calls);
  });

  it('shows a secret roll to the storyteller alone and DMs it to the player when asked; refuses a player asking for secret', async () => {
    stack.fake.forceDice([3, 4, 8]);
    const secret = await roll('celeste', { pool: 'Wits', difficulty: 6, character: LUCIEN, secret: true, show_player: true });
    expect(secret.ephemeral).toBe(true);
    expect(secret.embeds[0]!.title).toBe(`🎲 ${LUCIEN} — Wits`);
    expect(secret.content).toContain(`Also sent to <@${stack.users.mara.id}> by DM`);
    const dm = await stack.sim.waitForMessage({ dmUserId: stack.users.mara.id, timeoutMs: 10_000 });
    expect(dm.content).toContain('rolled in secret for **Lucien');
    expect(dm.embeds[0]!.title).toBe(`🎲 ${LUCIEN} — Wits`);
    expect(stack.sim.channelMessages(stack.guild.defaultChannelId).some((m) => (m.flags & 64) === 0 && m.embeds[0]?.description === secret.embeds[0]!.description)).toBe(false);

    const calls = rollRequests().length;
    const refused = await roll('mara', { pool: 'Wits', difficulty: 6, secret: true });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('Only storytellers and admins can roll in secret');
    expect(rollRequests()).toHaveLength(calls);
  });

  it('saves a pool of traits as a quickroll of the roller, exactly once', async () => {
    const result = await roll('mara', { pool: 'Dexterity + Stealth', difficulty: 6 });
    const refused = await (await click('bastien', result.message, 'Save as quickroll')).reply();
    expect(refused.content).toContain(`Only <@${stack.users.mara.id}>, who rolled this, can save it`);

    const opened = await click('mara', result.message, 'Save as quickroll');
    const form = (await opened.initialResponse()).data as { custom_id: string; components: Array<{ components: Array<{ custom_id: string; value?: string }> }> };
    expect(form.components[0]!.components[0]!.value).toBe('Dexterity + Stealth');
    const submit = (name: string) => stack.sim.submitModal({ user: stack.users.mara, guildId: stack.guild.id, customId: form.custom_id, message: result.message, fields: { name } }).then((ix) => ix.reply());
    const [saved, twice] = await Promise.all([submit('Slip Away'), submit('Slip Away Again')]);
    const texts = [saved.content, twice.content];
    expect(texts.filter((t) => t.includes('Quickroll **Slip Away') && t.includes('saved'))).toHaveLength(1);
    expect(texts.filter((t) => /already saved|being saved/.test(t))).toHaveLength(1);
    const mine = () => [...stack.fake.store.quickrolls.values()].filter((q) => q.user_id === users.mara.id && !q.archived && q.name.startsWith('Slip Away'));
    expect(mine()).toHaveLength(1);
    expect(mine()[0]!.trait_ids).toEqual([traits.dexterity, traits.stealth]);

    // The form sent again (a second tab, a retry) saves nothing more.
    expect((await submit('Slip Away Later')).content).toContain(`already saved as the quickroll **${mine()[0]!.name}**`);
    expect(mine()).toHaveLength(1);
    await waitFor('the Save button to be disabled', 10_000, () => {
      const now = stack.sim.channelMessages(result.message.channelId).find((m) => m.id === result.message.id);
      return now?.components.flatMap((row) => row.components ?? []).some((c) => c.label?.startsWith('Saved as') && c.disabled === true) ?? false;
    });
    expect((await roll('mara', { pool: '3', difficulty: 6 })).message.components.flatMap((row) => row.components ?? []).map((c) => c.label)).not.toContain('Save as quickroll');
  });

  it("offers the roller /quickroll's Willpower reroll, recorded as a new roll of the rerolled dice", async () => {
    stack.fake.forceDice([1, 2, 3, 8, 9]);
    const first = await roll('mara', { pool: 'Wits + Awareness', difficulty: 8 });
    const button = first.message.components.flatMap((row) => row.components ?? []).find((c) => c.label?.startsWith('Reroll'))!;
    expect(button.label).toBe('Reroll 3 failed dice');
    const refused = await (await stack.sim.clickButton({ user: stack.users.bastien, guildId: stack.guild.id, message: first.message, customId: button.custom_id! })).reply();
    expect(refused.content).toContain(`Only <@${stack.users.mara.id}> can reroll this. Run \`/roll dice\` for a roll of your own.`);
    expect(refused.content).not.toContain('/quickroll');
    stack.fake.forceDice([10, 9, 8]);
    const rerolled = await (await stack.sim.clickButton({ user: stack.users.mara, guildId: stack.guild.id, message: first.message, customId: button.custom_id! })).reply();
    expect(rerolled.embeds[0]!.fields!.some((f) => f.name.includes('Reroll'))).toBe(true);
    expect(rollRequests().at(-1)!.body).toMatchObject({ num_dice: 3, difficulty: 8, character_id: characters.lucien, campaign_id: campaigns.main, trait_ids: [] });
    // The reroll redraws the message's controls: "Save as quickroll" stays, and still saves.
    const shown = stack.sim.channelMessages(first.message.channelId).find((m) => m.id === first.message.id)!;
    expect(shown.components.flatMap((row) => row.components ?? []).map((c) => [c.label, c.disabled ?? false])).toEqual([
      ['Rerolled', true],
      ['Save as quickroll', false],
    ]);
    const form = (await (await click('mara', shown, 'Save as quickroll')).initialResponse()).data as { components: Array<{ components: Array<{ value?: string }> }> };
    expect(form.components[0]!.components[0]!.value).toBe('Wits + Awareness');
  });

  it("shows rolls to the roller only on a server whose roll visibility is private", async () => {
    await bindChicago(stack, { rollVisibility: 'private' });
    try {
      expect((await roll('mara', { pool: '2', difficulty: 6 })).ephemeral).toBe(true);
    } finally {
      await bindChicago(stack);
    }
    expect((await roll('mara', { pool: '2', difficulty: 6 })).ephemeral).toBe(false);
  });
});
