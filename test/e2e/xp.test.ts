/** `/xp` and `/cp` end to end: exactly once, with a public record and an audit trail. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuildBindingStore } from '../../src/identity/guild-binding.js';
import { FIXTURE_IDS } from '../../src/sandbox/fixture.js';
import { startStack, type Stack } from '../support/bot-process.js';

const { chicago } = FIXTURE_IDS.companies;
const main = FIXTURE_IDS.campaigns.main;
const ids = FIXTURE_IDS.users;

describe('/xp and /cp', () => {
  let stack: Stack;
  let auditChannelId: string;

  beforeAll(async () => {
    stack = await startStack();
    auditChannelId = stack.guild.defaultChannelId;
    await new GuildBindingStore(stack.redis.client, stack.redis.prefix).set({
      guildId: stack.guild.id,
      companyId: chicago,
      companyName: 'Chicago by Night',
      approvalsChannelId: stack.guild.defaultChannelId,
      defaultCampaignId: main,
      defaultCampaignName: 'Requiem for the Loop',
      auditChannelId,
      updatedBy: stack.users.viktor.id,
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  type Name = keyof Stack['users'];
  const xp = (user: Name, subcommand: string, options: Record<string, string | number | boolean>, command = 'xp') =>
    stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command, subcommand, options }).then((ix) => ix.reply());
  const balance = (userId: string) => stack.fake.store.getExperience(userId, main)?.xp_current ?? 0;

  it('grants XP publicly in the default campaign and logs it to the audit channel', async () => {
    const before = balance(ids.mara.id);
    const reply = await xp('celeste', 'add', { user: stack.users.mara.id, amount: 5, reason: 'Great scene at Elysium' });
    expect(reply.ephemeral).toBe(false);
    const embed = reply.embeds[0]!;
    expect(embed.title).toContain('+5 XP');
    expect(embed.description).toContain('Requiem for the Loop');
    expect(embed.fields?.find((f) => f.name === 'Available XP')?.value).toBe(String(before + 5));
    expect(embed.fields?.find((f) => f.name === 'Reason')?.value).toBe('Great scene at Elysium');
    expect(balance(ids.mara.id)).toBe(before + 5);
    const audit = await stack.sim.waitForMessage({ channelId: auditChannelId, timeoutMs: 10_000 });
    expect(audit.embeds[0]?.title).toContain('+5 XP');
  });

  it('removes XP, and refuses to remove more than the balance, naming it', async () => {
    const before = balance(ids.mara.id);
    const removed = await xp('celeste', 'remove', { user: stack.users.mara.id, amount: 2, campaign: main });
    expect(removed.embeds[0]!.title).toContain('−2 XP');
    expect(balance(ids.mara.id)).toBe(before - 2);
    const refused = await xp('celeste', 'remove', { user: stack.users.mara.id, amount: 999 });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain(`only **${before - 2} XP**`);
    expect(balance(ids.mara.id)).toBe(before - 2);
  });

  it('grants cool points and states the XP they were worth, from Valentina’s answer', async () => {
    const before = { ...stack.fake.store.getExperience(ids.bastien.id, main) };
    const reply = await xp('celeste', 'add', { user: stack.users.bastien.id, amount: 2 }, 'cp');
    expect(reply.embeds[0]!.description).toContain('(worth 20 XP)');
    const after = stack.fake.store.getExperience(ids.bastien.id, main)!;
    expect(after.cool_points).toBe((before?.cool_points ?? 0) + 2);
  });

  it('answers each refusal clearly and changes nothing', async () => {
    const before = balance(ids.bastien.id);
    const player = await xp('mara', 'add', { user: stack.users.bastien.id, amount: 3 });
    expect(player.ephemeral).toBe(true);
    expect(player.content).toContain('Only storytellers');
    const stranger = stack.sim.addUser({ username: 'stranger' });
    stack.sim.addMember(stack.guild.id, stranger.id);
    expect((await xp('celeste', 'add', { user: stranger.id, amount: 1 })).content).toContain("hasn't linked");
    const robot = stack.sim.addUser({ username: 'dicebot', bot: true });
    stack.sim.addMember(stack.guild.id, robot.id);
    expect((await xp('celeste', 'add', { user: robot.id, amount: 1 })).content).toContain('Bots');
    expect((await xp('celeste', 'add', { user: stack.users.mara.id, amount: 1, campaign: 'Nowhere' })).content).toContain('no campaign called');
    expect(balance(ids.bastien.id)).toBe(before);
  });

  it('lets players grant their own XP only when the company allows it', async () => {
    stack.fake.store.setCompanySetting(chicago, 'permission_grant_xp', 'PLAYER');
    await stack.redis.client.del(`${stack.redis.prefix}:dir:company:${chicago}`);
    try {
      const own = await xp('mara', 'add', { user: stack.users.mara.id, amount: 1 });
      expect(own.ephemeral).toBe(false);
      const other = await xp('mara', 'add', { user: stack.users.bastien.id, amount: 1 });
      expect(other.content).toContain('players can only change their own XP');
    } finally {
      stack.fake.store.setCompanySetting(chicago, 'permission_grant_xp', 'STORYTELLER');
      await stack.redis.client.del(`${stack.redis.prefix}:dir:company:${chicago}`);
    }
  });

  it('shows one campaign or all of them', async () => {
    const one = await xp('mara', 'show', { campaign: main });
    expect(one.embeds[0]!.fields?.[0]?.value).toContain(`**${balance(ids.mara.id)}** XP available`);
    const all = await xp('celeste', 'show', { user: stack.users.mara.id });
    expect(all.embeds[0]!.title).toContain('Experience');
    expect(all.embeds[0]!.fields?.map((f) => f.name)).toEqual(['Requiem for the Loop']);
  });

  it('autocompletes campaigns on any part of the name', async () => {
    const choices = await stack.sim.autocomplete({
      user: stack.users.celeste,
      guildId: stack.guild.id,
      command: 'xp',
      subcommand: 'add',
      options: { user: stack.users.mara.id, amount: 1, campaign: 'loop' },
      focused: 'campaign',
    });
    expect(choices).toEqual([{ name: 'Requiem for the Loop', value: main }]);
  });

  it('applies a grant once when the connection drops after Valentina applied it', async () => {
    const before = balance(ids.mara.id);
    stack.fake.faults.inject({ method: 'POST', path: /experience\/xp\/add$/, kind: 'drop-after-apply' });
    const reply = await xp('celeste', 'add', { user: stack.users.mara.id, amount: 7 });
    expect(reply.embeds[0]!.fields?.find((f) => f.name === 'Available XP')?.value).toBe(String(before + 7));
    expect(balance(ids.mara.id)).toBe(before + 7);
  });

  it('makes exactly one Valentina call for /xp add on a warm cache', async () => {
    await xp('celeste', 'add', { user: stack.users.bastien.id, amount: 1 });
    stack.fake.clearRequests();
    await xp('celeste', 'add', { user: stack.users.bastien.id, amount: 1 });
    expect(stack.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /api/v1/companies/${chicago}/users/${ids.bastien.id}/experience/xp/add`,
    ]);
  });

  it('asks an unconfigured server to run /setup, and broke no Discord rule', async () => {
    const bindings = new GuildBindingStore(stack.redis.client, stack.redis.prefix);
    const saved = (await bindings.get(stack.guild.id))!;
    await bindings.delete(stack.guild.id);
    try {
      const reply = await xp('celeste', 'show', {});
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toContain('/setup');
      expect(reply.content).toContain('Manage Server');
    } finally {
      await bindings.set(saved);
    }
    expect(stack.sim.violations).toEqual([]);
  });
});
