/**
 * A server's life with the bot, end to end on the real bot process: the welcome when the bot is added
 * (once per join, to whoever added it or in the right channel, not again on a new session or a restart), the archive when it is
 * removed (nothing posted there any more, queued deliveries dropped) and `/setup restore` after it is
 * added back; a member who leaves and rejoins keeps their link, and XP changes for someone who left are
 * refused clearly.
 */
import { REST } from '@discordjs/rest';
import { PermissionFlagsBits } from 'discord.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { registerCommands } from '../../src/discord/register.js';
import { GuildBindingStore } from '../../src/identity/guild-binding.js';
import { createKeyspace } from '../../src/keyspace.js';
import { DeliveryQueue, jobIdFor } from '../../src/queue/deliveries.js';
import type { SimGuild, SimMessage, SimUser } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { bindChicago, SIM_APPLICATION_ID, SIM_BOT_TOKEN, startStack, waitFor, type Stack } from '../support/bot-process.js';
import { redisUrl } from '../support/redis.js';

const { chicago } = FIXTURE_IDS.companies;
const isWelcome = (m: SimMessage) => m.interactionId === null && m.content.includes('Thanks for adding me');

describe('server lifecycle: joined, removed, restored; members leaving', () => {
  let stack: Stack;
  let bindings: GuildBindingStore;
  let queueRedis: Redis;
  let deliveries: DeliveryQueue;

  beforeAll(async () => {
    stack = await startStack();
    bindings = new GuildBindingStore(stack.redis.client, createKeyspace(stack.redis.prefix).identity);
    // Global commands, so every server the bot joins offers them, as in production.
    await registerCommands({ rest: new REST({ api: stack.sim.apiUrl, version: '10' }).setToken(SIM_BOT_TOKEN), applicationId: SIM_APPLICATION_ID, commands, scope: { scope: 'global' } });
    queueRedis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    deliveries = new DeliveryQueue({ connection: queueRedis, prefix: createKeyspace(stack.redis.prefix).queuePrefix });
  });
  afterAll(async () => {
    await deliveries?.close();
    await queueRedis?.quit();
    await stack?.close();
  });

  const run = (user: SimUser, guildId: string, command: string, subcommand?: string, options?: Record<string, string | number | boolean>) =>
    stack.sim.slashCommand({ user, guildId, command, subcommand, options }).then((ix) => ix.reply());
  const welcomes = (guild: SimGuild) => guild.channelIds.flatMap((id) => stack.sim.channelMessages(id).filter(isWelcome));
  const waitForWelcome = (channelId: string) => stack.sim.waitForMessage({ channelId, predicate: isWelcome, timeoutMs: 15_000 });

  it('without a system channel, welcomes in the first text channel the bot may post in', async () => {
    const guild = stack.sim.addGuild({ name: 'Quiet Table', systemChannel: false, channels: [{ name: 'rules' }, { name: 'lobby' }] });
    const [general, rules, lobby] = guild.channelIds as [string, string, string];
    await waitForWelcome(general);
    // Removed, then added back to a server where it may no longer post in #general.
    stack.sim.removeBot(guild.id);
    stack.sim.setChannelPermissions(general, { botCanSend: false });
    stack.sim.setChannelPermissions(rules, { botCanView: false });
    stack.sim.addBot(guild.id);
    const again = await waitForWelcome(lobby);
    expect(again.content).toContain('`/setup connect`');
    expect(stack.sim.channelMessages(general).filter(isWelcome)).toHaveLength(1);
    expect(stack.sim.channelMessages(rules)).toEqual([]);
  }, 30_000);

  it('where the bot may read the audit log, welcomes whoever added it by DM instead', async () => {
    const owner = stack.sim.addUser({ username: 'owner-audit' });
    const manager = stack.sim.addUser({ username: 'manager-audit' });
    const guild = stack.sim.addGuild({ name: 'Open Books', ownerId: owner.id, botPermissions: PermissionFlagsBits.ViewAuditLog });
    stack.sim.addMember(guild.id, manager.id, { permissions: PermissionFlagsBits.ManageGuild });
    const dm = await stack.sim.waitForMessage({ dmUserId: owner.id, predicate: isWelcome, timeoutMs: 15_000 });
    expect(dm.content).toContain('**Open Books**');

    // Removed, then added back by another server manager: the welcome goes to them.
    stack.sim.removeBot(guild.id);
    stack.sim.addBot(guild.id, { by: manager.id, botPermissions: PermissionFlagsBits.ViewAuditLog });
    await stack.sim.waitForMessage({ dmUserId: manager.id, predicate: isWelcome, timeoutMs: 15_000 });
    expect(stack.sim.dmMessages(owner.id).filter(isWelcome)).toHaveLength(1);
    expect(welcomes(guild)).toEqual([]);
  }, 30_000);

  it('archives the binding when removed, drops deliveries to the server, and restores it when added back', async () => {
    const { viktor, mara } = stack.users;
    const guild = stack.sim.addGuild({ name: 'Elysium', ownerId: viktor.id, channels: [{ name: 'xp-log' }] });
    stack.sim.addMember(guild.id, mara.id);
    await waitForWelcome(guild.defaultChannelId);
    const audit = guild.channelIds[1]!;
    const bound = await run(viktor, guild.id, 'setup', 'connect', { company: chicago, approvals_channel: guild.defaultChannelId, audit_channel: audit, confirm_xp_above: 25 });
    expect(bound.content).toContain('now plays in **Chicago by Night**');
    await run(viktor, guild.id, 'setup', 'settings', { roll_visibility: 'private' });
    const before = (await bindings.get(guild.id))!;

    stack.sim.removeBot(guild.id);
    await waitFor('the binding to be archived', 15_000, async () => (await bindings.get(guild.id)) === null);
    expect(await bindings.archived(guild.id)).toMatchObject({ binding: { ...before } });
    expect((await bindings.guildsForCompany(chicago)).map((b) => b.guildId)).not.toContain(guild.id);
    expect((await bindings.all()).map((b) => b.guildId)).not.toContain(guild.id);

    // A delivery still queued for the server is refused by Discord once and dropped, not retried.
    await deliveries.enqueue(`xp-audit:removed-${guild.id}`, { kind: 'channel', channelId: audit, message: { content: 'late audit record' } });
    const jobId = jobIdFor(`xp-audit:removed-${guild.id}`);
    await waitFor('the delivery to be dropped', 15_000, async () => (await deliveries.queue.getJobState(jobId)) === 'failed');
    expect((await deliveries.queue.getJob(jobId))?.attemptsMade).toBe(1);
    expect(stack.bot.logs.some((line) => line.includes('delivery refused by Discord; not retrying') && line.includes(jobId))).toBe(true);

    stack.sim.addBot(guild.id);
    const welcome = await waitForWelcome(guild.defaultChannelId);
    expect(welcome.content).toContain('Welcome back');
    expect(welcome.content).toContain('`/setup restore`');
    const shown = await run(viktor, guild.id, 'setup', 'show');
    expect(shown.content).toContain('until I was removed');
    expect(shown.embeds[0]!.fields?.find((f) => f.name === 'XP log channel')?.value).toBe(`<#${audit}>`);

    const restored = await run(viktor, guild.id, 'setup', 'restore');
    expect(restored.content).toContain('Restored: this server plays in **Chicago by Night** again');
    const after = (await bindings.get(guild.id))!;
    expect(after).toMatchObject({ companyId: chicago, approvalsChannelId: guild.defaultChannelId, auditChannelId: audit, xpConfirmAbove: 25, rollVisibility: 'private' });
    expect(await bindings.archived(guild.id)).toBeNull();
    expect((await bindings.guildsForCompany(chicago)).map((b) => b.guildId)).toContain(guild.id);
    expect((await run(viktor, guild.id, 'setup', 'restore')).content).toContain('already connected to **Chicago by Night**');
  }, 60_000);

  it('keeps the links of a member who leaves and rejoins; XP for someone who left is refused clearly', async () => {
    const { viktor, mara } = stack.users;
    await bindChicago(stack, MAIN_CAMPAIGN_AS_DEFAULT);
    expect((await run(mara, stack.guild.id, 'whoami')).embeds[0]!.fields?.[0]?.value).toBe('Chicago by Night');

    stack.sim.removeMember(stack.guild.id, mara.id);
    stack.fake.clearRequests();
    const refused = await run(viktor, stack.guild.id, 'xp', 'add', { user: mara.id, amount: 2 });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('is not a member of this server any more');
    expect(refused.content).toContain('link to Discord are kept');
    expect(stack.fake.requests.filter((r) => r.method === 'POST')).toEqual([]);

    stack.sim.addMember(stack.guild.id, mara.id);
    const whoami = await run(mara, stack.guild.id, 'whoami');
    expect(whoami.embeds[0]!.fields?.slice(0, 2).map((f) => f.value)).toEqual(['Chicago by Night', 'Player']);
    const granted = await run(viktor, stack.guild.id, 'xp', 'add', { user: mara.id, amount: 2 });
    expect(granted.ephemeral).toBe(false);
    expect(JSON.stringify(granted.embeds)).toContain('+2');
  }, 30_000);

  it('/setup settings shows every setting, changes them for company admins, and refuses anyone else', async () => {
    const { viktor, celeste } = stack.users;
    await bindChicago(stack);
    const field = (reply: { embeds: Array<{ fields?: Array<{ name: string; value: string }> }> }, name: string) =>
      reply.embeds[0]?.fields?.find((f) => f.name === name)?.value;

    const view = await run(viktor, stack.guild.id, 'setup', 'settings');
    expect(view.ephemeral).toBe(true);
    expect(field(view, 'Roll visibility')).toContain('Public');
    expect(field(view, 'Approval cards show emails')).toBe('no — hidden');
    expect(field(view, 'Confirm XP grants above')).toBe('10 XP');
    expect(field(view, 'XP log channel')).toBe('none');

    const campaigns = await stack.sim.autocomplete({ user: viktor, guildId: stack.guild.id, command: 'setup', subcommand: 'settings', options: { default_campaign: 'requ' }, focused: 'default_campaign' });
    expect(campaigns).toContainEqual({ name: 'Requiem for the Loop', value: FIXTURE_IDS.campaigns.main });

    const log = stack.sim.addChannel(stack.guild.id, { name: 'xp-log' });
    const changed = await run(viktor, stack.guild.id, 'setup', 'settings', {
      roll_visibility: 'private',
      show_emails: true,
      confirm_xp_above: 30,
      audit_channel: log.id,
      default_campaign: FIXTURE_IDS.campaigns.main,
    });
    expect(changed.content).toContain('Settings updated');
    expect(changed.content).toContain('**Roll visibility**');
    expect(field(changed, 'Roll visibility')).toContain('Private');
    expect(field(changed, 'Default campaign')).toBe('Requiem for the Loop');
    expect(await bindings.get(stack.guild.id)).toMatchObject({
      rollVisibility: 'private',
      showEmailInApprovals: true,
      xpConfirmAbove: 30,
      cpConfirmAbove: 2,
      auditChannelId: log.id,
      defaultCampaignId: FIXTURE_IDS.campaigns.main,
      updatedBy: viktor.id,
    });

    // A server manager who is a storyteller in Valentina may look, not change.
    stack.sim.addMember(stack.guild.id, celeste.id, { permissions: PermissionFlagsBits.ManageGuild });
    expect(field(await run(celeste, stack.guild.id, 'setup', 'settings'), 'Roll visibility')).toContain('Private');
    const refused = await run(celeste, stack.guild.id, 'setup', 'settings', { roll_visibility: 'public' });
    expect(refused.content).toContain("Only an admin of **Chicago by Night** in Valentina can change this server's settings; you are a storyteller there");
    // A member without Manage Server, even where a server admin let the command through.
    stack.sim.setCommandPermissions(stack.guild.id, 'setup', [{ id: stack.guild.id, type: 'role', allow: true }]);
    try {
      expect((await run(stack.users.mara, stack.guild.id, 'setup', 'settings', { show_emails: false })).content).toContain('**Manage Server**');
    } finally {
      stack.sim.setCommandPermissions(stack.guild.id, 'setup', []);
    }
    expect(await bindings.get(stack.guild.id)).toMatchObject({ rollVisibility: 'private', showEmailInApprovals: true });
  }, 30_000);

  it('/status says in plain words whether Valentina answers, without asking it when that is known', async () => {
    const { viktor, mara } = stack.users;
    await bindChicago(stack);
    await run(mara, stack.guild.id, 'whoami'); // recent traffic: Valentina's state is known
    stack.fake.clearRequests();
    const healthy = await run(mara, stack.guild.id, 'status');
    expect(healthy.ephemeral).toBe(true);
    expect(healthy.embeds[0]!.title, JSON.stringify(healthy.embeds[0]!.fields)).toBe('Everything is running normally');
    expect(healthy.embeds[0]!.fields?.find((f) => f.name === 'Valentina')?.value).toBe('answering normally');
    expect(stack.fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([]);

    stack.fake.faults.inject({ kind: 'status', status: 503, times: 1_000 });
    try {
      const failed = await run(viktor, stack.guild.id, 'setup', 'settings', { confirm_cp_above: 3 });
      expect(failed.content).toContain('Valentina');
      const down = await run(mara, stack.guild.id, 'status');
      expect(down.embeds[0]!.title).toBe('Some things are slow or not working');
      expect(down.embeds[0]!.fields?.find((f) => f.name === 'Valentina')?.value).toMatch(/^not answering since <t:\d+:t>/);
    } finally {
      stack.fake.faults.clear();
    }
    await run(mara, stack.guild.id, 'whoami');
    expect((await run(mara, stack.guild.id, 'status')).embeds[0]!.fields?.find((f) => f.name === 'Valentina')?.value).toBe('answering normally');

    // A message waiting to be posted (here: held back a minute) is a delay players are told about.
    await deliveries.queue.add('channel', { kind: 'channel', channelId: stack.guild.defaultChannelId, message: { content: 'later' } }, { delay: 60_000, jobId: 'status-backlog' });
    try {
      const backlog = await run(mara, stack.guild.id, 'status');
      expect(backlog.embeds[0]!.title).toBe('Some things are slow or not working');
      expect(backlog.embeds[0]!.fields?.find((f) => f.name === 'Delays')?.value).toBe('• Messages waiting to be posted (XP log, DMs, welcomes): 1');
    } finally {
      await deliveries.queue.remove('status-backlog');
    }
  }, 60_000);

  // Last in the file: a new session identifies again, which discord.js holds until 5 s after the process's
  // previous identify (Discord's limit); after the tests above, less of that wait is left.
  it('welcomes a server once, in its system channel, and not again on a new session or a restart', async () => {
    const owner = stack.sim.addUser({ username: 'owner-one' });
    const guild = stack.sim.addGuild({ name: 'First Table', ownerId: owner.id, channels: [{ name: 'scenes' }] });
    const welcome = await waitForWelcome(guild.defaultChannelId);
    expect(welcome.content).toContain('**First Table**');
    expect(welcome.content).toContain('`/setup connect`');
    expect(welcome.content).toContain('`/help`');

    // A new session (its GUILD_CREATEs replay every server) and a restart of the process.
    stack.sim.gateway.disconnect({ resumable: false });
    await stack.sim.gateway.waitForReady({ timeoutMs: 20_000 });
    await stack.bot.restart();
    // Another join after both: its welcome is queued after anything the first one could have caused.
    const later = stack.sim.addGuild({ name: 'Second Table', ownerId: owner.id });
    await waitForWelcome(later.defaultChannelId);
    expect(welcomes(guild)).toHaveLength(1);
    expect(welcomes(later)).toHaveLength(1);
  }, 60_000);
});
