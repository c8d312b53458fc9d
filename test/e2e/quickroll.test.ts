/** `/quickroll` end to end: the dice embed, reroll, missing traits, and managing saved pools. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuildBindingStore } from '../../src/identity/guild-binding.js';
import type { SimMessage } from '../../src/sandbox/discord-sim/index.js';
import { FIXTURE_IDS } from '../../src/sandbox/fixture.js';
import { OUTCOME_COLOURS } from '../../src/stats/index.js';
import { startStack, type Stack } from '../support/bot-process.js';

const { chicago } = FIXTURE_IDS.companies;

describe('/quickroll', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await new GuildBindingStore(stack.redis.client, stack.redis.prefix).set({
      guildId: stack.guild.id,
      companyId: chicago,
      companyName: 'Chicago by Night',
      approvalsChannelId: stack.guild.defaultChannelId,
      defaultCampaignId: null,
      defaultCampaignName: null,
      auditChannelId: null,
      updatedBy: stack.users.viktor.id,
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  type Name = keyof Stack['users'];
  const qr = (user: Name, subcommand: string, options: Record<string, string | number | boolean> = {}) =>
    stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command: 'quickroll', subcommand, options }).then((ix) => ix.reply());
  const button = (message: SimMessage, label: string) => message.components.flatMap((row) => row.components ?? []).find((c) => c.label === label)!.custom_id!;

  it('autocompletes my quickrolls and my characters', async () => {
    const base = { user: stack.users.mara, guildId: stack.guild.id, command: 'quickroll', subcommand: 'run' };
    const quickrolls = await stack.sim.autocomplete({ ...base, options: { quickroll: 'sho' }, focused: 'quickroll' });
    expect(quickrolls).toEqual([{ name: 'Shoot', value: FIXTURE_IDS.quickrolls.shoot }]);
    const characters = await stack.sim.autocomplete({ ...base, options: { quickroll: FIXTURE_IDS.quickrolls.shoot, character: 'luc' }, focused: 'character' });
    expect(characters.map((c) => c.value)).toEqual([FIXTURE_IDS.characters.lucien]);
  });

  it('rolls a critical publicly with every die, the pool and the outcome colour', async () => {
    stack.fake.forceDice([10, 10, 7, 8, 9, 6, 6, 6]);
    const reply = await qr('mara', 'run', { quickroll: FIXTURE_IDS.quickrolls.shoot });
    expect(reply.ephemeral).toBe(false);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe("Lucien 'Luke' Carrow rolls Shoot");
    expect(embed.description).toMatch(/Dexterity \d \+ Firearms \d = \*\*\d+\*\* dice at difficulty 6/);
    expect(embed.fields?.find((f) => f.name === 'Dice')?.value).toContain('🔟');
    expect(embed.fields?.some((f) => f.name.includes('Critical'))).toBe(true);
    expect(embed.color).toBe(OUTCOME_COLOURS.critical);
  });

  it('rolls a botch with desperation dice and a comment', async () => {
    stack.fake.forceDice([1, 1, 1, 2, 3, 1, 2, 3, 4, 5]);
    const reply = await qr('mara', 'run', { quickroll: 'Shoot', difficulty: 7, desperation: 2, comment: 'Covering fire' });
    const embed = reply.embeds[0]!;
    expect(embed.fields?.some((f) => f.name.includes('Botch'))).toBe(true);
    expect(embed.fields?.some((f) => f.name === 'Desperation dice')).toBe(true);
    expect(embed.footer?.text).toBe('Covering fire');
    expect(embed.description).toContain('difficulty 7');
  });

  it('lets only the roller reroll, as a new roll', async () => {
    const first = await qr('mara', 'run', { quickroll: 'Shoot' });
    const other = await stack.sim.clickButton({ user: stack.users.bastien, guildId: stack.guild.id, message: first.message, customId: button(first.message, 'Reroll') });
    const refused = await other.reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('Only');
    const rolls = stack.fake.store.diceRolls.size;
    const mine = await stack.sim.clickButton({ user: stack.users.mara, guildId: stack.guild.id, message: first.message, customId: button(first.message, 'Reroll') });
    const again = await mine.reply();
    expect(again.embeds[0]!.title).toBe("Lucien 'Luke' Carrow rolls Shoot");
    expect(stack.fake.store.diceRolls.size).toBe(rolls + 1);
  });

  it('names missing traits: all missing refuses, some missing rolls the rest', async () => {
    const none = await qr('mara', 'run', { quickroll: FIXTURE_IDS.quickrolls.secondSight });
    expect(none.ephemeral).toBe(true);
    expect(none.content).toContain('has none of the traits');
    const partial = await qr('mara', 'run', { quickroll: FIXTURE_IDS.quickrolls.command });
    expect(partial.embeds[0]!.description).toContain('lacks');
  });

  it('creates, refuses bad input, lists and deletes with confirmation', async () => {
    const traits = await stack.sim.autocomplete({ user: stack.users.mara, guildId: stack.guild.id, command: 'quickroll', subcommand: 'create', options: { name: 'Punch', traits: 'Strength, bra' }, focused: 'traits' });
    expect(traits[0]?.value).toBe('Strength, Brawl');
    expect((await qr('mara', 'create', { name: 'Shoot', traits: 'Dexterity' })).content).toContain('already have a quickroll called');
    expect((await qr('mara', 'create', { name: 'Punch', traits: 'Strength, Kung Fu' })).content).toContain('"Kung Fu"');
    expect((await qr('mara', 'create', { name: 'Punch', traits: 'Strength, Brawl' })).content).toContain('**Punch** saved');
    const list = await qr('mara', 'list');
    expect(list.embeds[0]!.description).toContain('**Punch** — Strength + Brawl');
    const confirm = await qr('mara', 'delete', { quickroll: 'Punch' });
    const click = await stack.sim.clickButton({ user: stack.users.mara, guildId: stack.guild.id, message: confirm.message, customId: button(confirm.message, 'Delete Punch') });
    expect((await click.reply()).content).toBe('Quickroll deleted.');
    expect((await qr('mara', 'list')).embeds[0]!.description).not.toContain('Punch');
  });

  it('pages a long list', async () => {
    for (let i = 0; i < 12; i += 1) {
      stack.fake.store.createQuickroll({ user_id: FIXTURE_IDS.users.bastien.id, name: `Pool ${String(i).padStart(2, '0')}`, trait_ids: [FIXTURE_IDS.traits.strength] });
    }
    const first = await qr('bastien', 'list');
    expect(first.embeds[0]!.footer?.text).toBe('Page 1 of 2');
    const next = await stack.sim.clickButton({ user: stack.users.bastien, guildId: stack.guild.id, message: first.message, customId: button(first.message, 'Next') });
    expect((await next.reply()).embeds[0]!.footer?.text).toBe('Page 2 of 2');
    expect(stack.sim.violations).toEqual([]);
  });
});
