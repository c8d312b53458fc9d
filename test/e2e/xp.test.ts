/** `/xp` and `/cp` end to end: exactly once, with a public record and an audit trail. */
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queuedChangeJobId, XP_QUEUE } from '../../src/experience/queued.js';
import { GuildBindingStore, type GuildBinding } from '../../src/identity/guild-binding.js';
import { createKeyspace } from '../../src/keyspace.js';
import type { OptionValue, SimMessage } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { startStack, waitFor, type Stack } from '../support/bot-process.js';

const { chicago } = FIXTURE_IDS.companies;
const main = FIXTURE_IDS.campaigns.main;
const ids = FIXTURE_IDS.users;

describe('/xp and /cp', () => {
  let stack: Stack;
  let bindings: GuildBindingStore;
  let binding: GuildBinding;

  beforeAll(async () => {
    stack = await startStack();
    bindings = new GuildBindingStore(stack.redis.client, createKeyspace(stack.redis.prefix).identity);
    await bindings.set({
      guildId: stack.guild.id,
      companyId: chicago,
      companyName: 'Chicago by Night',
      approvalsChannelId: stack.guild.defaultChannelId,
      ...MAIN_CAMPAIGN_AS_DEFAULT,
      auditChannelId: stack.guild.defaultChannelId,
      updatedBy: stack.users.viktor.id,
    });
    binding = (await bindings.get(stack.guild.id))!;
  });
  afterAll(async () => {
    await stack?.close();
  });

  type Name = keyof Stack['users'];
  const shown = (user: Name) => stack.users[user].globalName ?? stack.users[user].username;
  const send = (user: Name, subcommand: string, options: Record<string, OptionValue>, command = 'xp') =>
    stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command, subcommand, options });
  const run = (user: Name, subcommand: string, options: Record<string, OptionValue>, command = 'xp') => send(user, subcommand, options, command).then((ix) => ix.reply());
  const experience = (userId: string) => ({ xp_current: 0, xp_total: 0, cool_points: 0, ...stack.fake.store.getExperience(userId, main) });
  const balance = (userId: string) => experience(userId).xp_current;
  const field = (reply: { embeds: Array<{ fields?: Array<{ name: string; value: string }> }> }, name: string) =>
    reply.embeds[0]?.fields?.find((f) => f.name === name)?.value;
  /** Audit records are channel messages of their own, not interaction replies. */
  const isAudit = (reason: string) => (m: SimMessage) => m.interactionId === null && m.embeds.some((e) => e.fields?.some((f) => f.value === reason));
  /** The directory caches company settings, and so does Valentina for 60 s; a changed setting must be read again. */
  const forgetCompanySettings = () => {
    stack.fake.flushResponseCache();
    return stack.redis.client.del(`${stack.redis.prefix}:dir:company:${chicago}`);
  };
  const buttonId = (message: SimMessage, label: string) =>
    message.components.flatMap((row) => row.components ?? []).find((c) => c.label === label)!.custom_id!;
  /** Clicks the Confirm button of a confirmation step as `user`. */
  const confirm = (user: Name, prompt: { message: SimMessage }, label: string) =>
    stack.sim.clickButton({ user: stack.users[user], guildId: stack.guild.id, message: prompt.message, customId: buttonId(prompt.message, label) });

  it('grants XP publicly in the default campaign and records it in the audit channel', async () => {
    const before = experience(ids.mara.id);
    const reply = await run('celeste', 'add', { user: stack.users.mara.id, amount: 5, reason: 'Great scene at Elysium' });
    expect(reply.ephemeral).toBe(false);
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe(`+5 XP for ${shown('mara')}`);
    expect(embed.description).toBe(`<@${stack.users.celeste.id}> gave <@${stack.users.mara.id}> **5 XP** in *Requiem for the Loop*.`);
    expect(field(reply, 'Available XP')).toBe(`${before.xp_current} → ${before.xp_current + 5}`);
    expect(field(reply, 'Total XP')).toBe(`${before.xp_total} → ${before.xp_total + 5}`);
    expect(field(reply, 'Reason')).toBe('Great scene at Elysium');
    expect(balance(ids.mara.id)).toBe(before.xp_current + 5);

    const audit = await stack.sim.waitForMessage({ channelId: binding.auditChannelId!, predicate: isAudit('Great scene at Elysium'), timeoutMs: 10_000 });
    expect(audit.embeds[0]?.title).toBe(embed.title);
    expect(audit.embeds[0]?.description).toBe(embed.description);
  });

  it('removes XP in a chosen campaign, and refuses to remove more than the balance, naming it', async () => {
    const before = balance(ids.mara.id);
    const removed = await run('celeste', 'remove', { user: stack.users.mara.id, amount: 2, campaign: main, reason: 'Bought Dominate 2' });
    expect(removed.embeds[0]!.title).toContain('−2 XP');
    expect(field(removed, 'Available XP')).toBe(`${before} → ${before - 2}`);
    expect(balance(ids.mara.id)).toBe(before - 2);

    const refused = await run('celeste', 'remove', { user: stack.users.mara.id, amount: 999 });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe(`<@${stack.users.mara.id}> has only **${before - 2} XP** available in *Requiem for the Loop*, so 999 XP can't be removed.`);
    expect(balance(ids.mara.id)).toBe(before - 2);
  });

  it('grants cool points and states the XP they were worth, from Valentina’s answer', async () => {
    const before = experience(ids.bastien.id);
    const reply = await run('celeste', 'add', { user: stack.users.bastien.id, amount: 2, campaign: 'loop' }, 'cp');
    expect(reply.ephemeral).toBe(false);
    expect(reply.embeds[0]!.title).toBe(`+2 cool points for ${shown('bastien')}`);
    const after = experience(ids.bastien.id);
    expect(after.cool_points).toBe(before.cool_points + 2);
    expect(reply.embeds[0]!.description).toContain(`(worth ${after.xp_total - before.xp_total} XP)`);
    expect(field(reply, 'Cool points')).toBe(`${before.cool_points} → ${after.cool_points}`);
  });

  it('refuses players under the STORYTELLER setting, for others and for themselves', async () => {
    const before = { mara: balance(ids.mara.id), bastien: balance(ids.bastien.id) };
    const other = await run('mara', 'add', { user: stack.users.bastien.id, amount: 3 });
    expect(other.ephemeral).toBe(true);
    expect(other.content).toContain('Only storytellers can grant XP in this company');
    // A grant to yourself asks first; Valentina refuses it once confirmed.
    const prompt = await run('mara', 'add', { user: stack.users.mara.id, amount: 1 }, 'cp');
    expect(prompt.content).toContain('This asks first because it is a grant to yourself');
    const self = await (await confirm('mara', prompt, 'Give 1 cool point')).reply();
    expect(self.ephemeral).toBe(true);
    expect(self.content).toContain('Only storytellers can grant XP in this company');
    expect({ mara: balance(ids.mara.id), bastien: balance(ids.bastien.id) }).toEqual(before);
  });

  it('lets players change only their own XP under the PLAYER setting', async () => {
    stack.fake.store.setCompanySetting(chicago, 'permission_grant_xp', 'PLAYER');
    expect(await forgetCompanySettings()).toBe(1);
    try {
      const before = balance(ids.mara.id);
      const prompt = await run('mara', 'add', { user: stack.users.mara.id, amount: 1 });
      expect(prompt.ephemeral).toBe(true);
      const own = await (await confirm('mara', prompt, 'Give 1 XP')).reply();
      expect(own.ephemeral).toBe(false);
      expect(balance(ids.mara.id)).toBe(before + 1);
      const other = await run('mara', 'remove', { user: stack.users.bastien.id, amount: 1 });
      expect(other.ephemeral).toBe(true);
      expect(other.content).toContain('Players can only change their own XP in this company');
    } finally {
      stack.fake.store.setCompanySetting(chicago, 'permission_grant_xp', 'STORYTELLER');
      await forgetCompanySettings();
    }
  });

  it('answers bots, unlinked members and unknown campaigns clearly, changing nothing', async () => {
    const before = stack.fake.countRequests({ method: 'POST' });
    const stranger = stack.sim.addUser({ username: 'stranger' });
    stack.sim.addMember(stack.guild.id, stranger.id);
    const unlinked = await run('celeste', 'add', { user: stranger.id, amount: 1 });
    expect(unlinked.ephemeral).toBe(true);
    expect(unlinked.content).toBe(`<@${stranger.id}> hasn't linked their account to Valentina yet. They can run \`/link\` to connect it.`);
    const robot = stack.sim.addUser({ username: 'dicebot', bot: true });
    stack.sim.addMember(stack.guild.id, robot.id);
    expect((await run('celeste', 'add', { user: robot.id, amount: 1 })).content).toContain("Bots don't have Valentina accounts");
    expect((await run('celeste', 'add', { user: stack.users.mara.id, amount: 1, campaign: 'Nowhere' })).content).toContain('no campaign called "Nowhere"');
    expect(stack.fake.countRequests({ method: 'POST' })).toBe(before);
  });

  it('asks which campaign when the server has no default, and to run /setup when it is not set up', async () => {
    const before = balance(ids.mara.id);
    await bindings.set({ ...binding, defaultCampaignId: null, defaultCampaignName: null });
    try {
      const which = await run('celeste', 'add', { user: stack.users.mara.id, amount: 1 });
      expect(which.ephemeral).toBe(true);
      expect(which.content).toContain('Pick one in the `campaign` option');
      expect(which.content).toContain('set a default campaign with `/setup`');
      await bindings.delete(stack.guild.id);
      const unbound = await run('celeste', 'add', { user: stack.users.mara.id, amount: 1, campaign: main });
      expect(unbound.ephemeral).toBe(true);
      expect(unbound.content).toContain('run `/setup`');
    } finally {
      await bindings.set(binding);
    }
    expect(balance(ids.mara.id)).toBe(before);
  });

  it('shows one campaign, or every campaign in one embed', async () => {
    const one = await run('mara', 'show', { campaign: main });
    expect(one.ephemeral).toBe(false);
    const mine = experience(ids.mara.id);
    expect(one.embeds[0]!.fields?.[0]).toMatchObject({
      name: 'Requiem for the Loop',
      value: `**${mine.xp_current}** XP available · ${mine.xp_total} total · ${mine.cool_points} cool point${mine.cool_points === 1 ? '' : 's'}`,
    });
    const all = await run('celeste', 'show', { user: stack.users.bastien.id });
    expect(all.embeds).toHaveLength(1);
    expect(all.embeds[0]!.title).toBe(`Experience — ${shown('bastien')}`);
    expect(all.embeds[0]!.fields?.map((f) => f.name)).toEqual(['Requiem for the Loop']);
    expect(all.embeds[0]!.fields?.[0]?.value).toContain(`**${balance(ids.bastien.id)}** XP available`);
  });

  it('autocompletes campaigns on any part of the name', async () => {
    const choices = await stack.sim.autocomplete({
      user: stack.users.celeste,
      guildId: stack.guild.id,
      command: 'xp',
      subcommand: 'add',
      options: { user: stack.users.mara.id, amount: 1, campaign: 'LOOP' },
      focused: 'campaign',
    });
    expect(choices).toEqual([{ name: 'Requiem for the Loop', value: main }]);
  });

  it('applies a grant once when the connection drops after Valentina applied it, proven by a fresh read', async () => {
    const before = experience(ids.mara.id);
    stack.fake.clearRequests();
    stack.fake.faults.inject({ method: 'POST', path: /xp\/add/, kind: 'drop-after-apply' });
    const reply = await run('celeste', 'add', { user: stack.users.mara.id, amount: 7, reason: 'Survived the retry' });
    expect(reply.ephemeral).toBe(false);
    expect(field(reply, 'Available XP')).toBe(`${before.xp_current} → ${before.xp_current + 7}`);
    expect(experience(ids.mara.id)).toMatchObject({ xp_current: before.xp_current + 7, xp_total: before.xp_total + 7 });

    const attempts = stack.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/experience/xp/add'));
    expect(attempts).toHaveLength(1);
    expect(attempts[0]!.status).toBeNull();
    expect(attempts[0]!.headers['idempotency-key']).toMatch(/^\d+:xp-add$/);
    const reads = stack.fake.requests.filter((r) => r.method === 'GET' && r.path.endsWith(`/experience/${main}`));
    expect(reads.map((r) => Object.keys(r.query))).toEqual([['_fresh'], ['_fresh']]);

    await stack.sim.waitForMessage({ channelId: binding.auditChannelId!, predicate: isAudit('Survived the retry'), timeoutMs: 10_000 });
    expect(stack.sim.channelMessages(binding.auditChannelId!).filter(isAudit('Survived the retry'))).toHaveLength(1);
  });

  it('queues a grant whose player record another change holds past the wait, and applies it once when that change is done', { timeout: 60_000 }, async () => {
    // Another change (another bot process's) holds Mara's record in the default campaign.
    const lock = createKeyspace(stack.redis.prefix).experience.lock(chicago, ids.mara.id, main);
    await stack.redis.client.set(lock, 'another-change', 'PX', 60_000);
    const before = balance(ids.mara.id);
    stack.fake.clearRequests();
    const handle = await send('celeste', 'add', { user: stack.users.mara.id, amount: 2, reason: 'Waited its turn' });
    const queued = await handle.reply({ timeoutMs: 30_000 });
    expect(queued.ephemeral).toBe(false);
    expect(queued.content).toMatch(/^⏳ Queued: Giving 2 XP to <@\d+> in \*Requiem for the Loop\* will be applied as soon as another change to their experience there has gone through\./);
    expect(balance(ids.mara.id)).toBe(before);

    // The queued change finds the record still held too, and is tried again.
    const queue = new Queue(XP_QUEUE, { connection: stack.redis.client, prefix: createKeyspace(stack.redis.prefix).queuePrefix });
    try {
      await waitFor('the queued change to find the record held', 30_000, async () => ((await queue.getJob(queuedChangeJobId(handle.id)))?.attemptsMade ?? 0) >= 1);
    } finally {
      await queue.close();
    }
    expect(handle.original?.content).toBe(queued.content);
    await stack.redis.client.del(lock);
    await waitFor('the queued message to become the record', 30_000, () => handle.original?.embeds[0]?.title === '+2 XP for Mara');
    expect(balance(ids.mara.id)).toBe(before + 2);
    expect(stack.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/experience/xp/add'))).toHaveLength(1);
    await stack.sim.waitForMessage({ channelId: binding.auditChannelId!, predicate: isAudit('Waited its turn'), timeoutMs: 10_000 });
  });

  it('makes two Valentina calls for /xp add on a warm cache: the fresh balance and the write', async () => {
    await run('celeste', 'add', { user: stack.users.bastien.id, amount: 1 });
    stack.fake.clearRequests();
    const reply = await run('celeste', 'add', { user: stack.users.bastien.id, amount: 1 });
    expect(reply.ephemeral).toBe(false);
    expect(stack.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /api/v1/companies/${chicago}/users/${ids.bastien.id}/experience/${main}`,
      `POST /api/v1/companies/${chicago}/users/${ids.bastien.id}/experience/xp/add`,
    ]);
    expect(stack.sim.violations).toEqual([]);
  });
});
