/** Server lifecycle as Discord shows it to a real discord.js client: the bot removed and added back, a member leaving. */
import { AuditLogEvent, GatewayIntentBits, PermissionFlagsBits, type Client, type Guild, type GuildMember, type PartialGuildMember } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import { BOT_TOKEN, connectClient, guildArrived, startSim } from './harness.js';

describe('discord-sim: server lifecycle', () => {
  let sim: DiscordSimulator;
  let client: Client;

  beforeAll(async () => {
    sim = await startSim();
    client = await connectClient(sim, {
      intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMembers, GatewayIntentBits.DirectMessages],
    });
  });
  afterAll(async () => {
    await client?.destroy();
    await sim?.close();
  });

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${sim.apiUrl}/v10${path}`, { ...init, headers: { authorization: `Bot ${BOT_TOKEN}`, 'content-type': 'application/json', ...init.headers } });

  it('removing the bot sends GUILD_DELETE without unavailable and closes the server to it; adding it back sends a fresh GUILD_CREATE', async () => {
    const guild = sim.addGuild({ name: 'Leaving', systemChannel: false });
    const first = await guildArrived(client, guild.id);
    expect(first.systemChannelId).toBeNull();
    const firstJoin = first.joinedTimestamp;

    const deleted = new Promise<Guild>((resolve) => client.once('guildDelete', resolve));
    sim.removeBot(guild.id);
    expect((await deleted).id).toBe(guild.id);
    expect(client.guilds.cache.has(guild.id)).toBe(false);
    const post = await api(`/channels/${guild.defaultChannelId}/messages`, { method: 'POST', body: JSON.stringify({ content: 'still here?' }) });
    expect(post.status).toBe(403);
    expect(await post.json()).toMatchObject({ code: 50001, message: 'Missing Access' });
    expect((await api(`/guilds/${guild.id}`)).status).toBe(403);
    const user = sim.addUser({ username: 'member-of-leaving' });
    sim.addMember(guild.id, user.id);
    await expect(sim.slashCommand({ user, guildId: guild.id, command: 'anything' })).rejects.toThrow('the bot is not in guild');

    await new Promise((resolve) => setTimeout(resolve, 5)); // joined_at has millisecond precision
    sim.addBot(guild.id);
    const again = await guildArrived(client, guild.id);
    expect(again.joinedTimestamp).toBeGreaterThan(firstJoin);
    expect(again.members.me?.roles.cache.some((role) => role.managed)).toBe(true);
    expect((await api(`/channels/${guild.defaultChannelId}/messages`, { method: 'POST', body: JSON.stringify({ content: 'back' }) })).status).toBe(200);
  });

  it('records who added the bot in the audit log, readable only with View Audit Log', async () => {
    const owner = sim.addUser({ username: 'audit-owner' });
    const closed = sim.addGuild({ name: 'Closed books', ownerId: owner.id });
    await guildArrived(client, closed.id);
    expect(await (await api(`/guilds/${closed.id}/audit-logs?action_type=28`)).json()).toMatchObject({ code: 50013, message: 'Missing Permissions' });

    const open = sim.addGuild({ name: 'Open books', ownerId: owner.id, botPermissions: PermissionFlagsBits.ViewAuditLog });
    const guild = await guildArrived(client, open.id);
    const manager = sim.addUser({ username: 'audit-manager' });
    sim.addMember(open.id, manager.id, { permissions: PermissionFlagsBits.ManageGuild });
    const removed = new Promise((resolve) => client.once('guildDelete', resolve));
    sim.removeBot(open.id);
    await removed;
    sim.addBot(open.id, { by: manager.id, botPermissions: PermissionFlagsBits.ViewAuditLog });
    const back = await guildArrived(client, open.id);
    expect(back).not.toBe(guild);
    const log = await back.fetchAuditLogs({ type: AuditLogEvent.BotAdd, limit: 10 });
    expect(log.entries.map((e) => [e.executorId, e.targetId])).toEqual([
      [manager.id, client.user!.id],
      [owner.id, client.user!.id],
    ]);
    expect((await api(`/guilds/${open.id}/audit-logs?limit=500`)).status).toBe(400);
  });

  it('a member leaving sends GUILD_MEMBER_REMOVE to sessions with the GuildMembers intent', async () => {
    const guild = sim.addGuild({ name: 'Members' });
    await guildArrived(client, guild.id);
    const user = sim.addUser({ username: 'leaver' });
    sim.addMember(guild.id, user.id);
    const removed = new Promise<GuildMember | PartialGuildMember>((resolve) => client.once('guildMemberRemove', resolve));
    sim.removeMember(guild.id, user.id);
    const member = await removed;
    expect(member.id).toBe(user.id);
    expect(member.guild.id).toBe(guild.id);
    expect(() => sim.removeMember(guild.id, user.id)).toThrow('is not a member');
  });
});
