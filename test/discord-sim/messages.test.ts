import { once } from 'node:events';
import { AttachmentBuilder, EmbedBuilder, type Client, type Message } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import { connectClient, guildArrived, startSim } from './harness.js';

let sim: DiscordSimulator;
let client: Client;

beforeEach(async () => {
  sim = await startSim();
  client = await connectClient(sim);
});

afterEach(async () => {
  await client.destroy();
  await sim.close();
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

describe('messages, DMs and attachments', () => {
  it('delivers a DM to the client and records the bot reply with an attached file', async () => {
    const alice = sim.addUser({ username: 'alice' });
    const received = new Promise<Message>((resolve) => client.once('messageCreate', resolve));
    client.on('messageCreate', (message) => {
      if (message.author.bot) return;
      void message.reply({ content: `echo: ${message.content}`, files: [new AttachmentBuilder(PNG, { name: 'sheet.png' })] });
    });
    await sim.sendDM(alice, 'hello bot');
    const message = await received;
    expect(message.content).toBe('hello bot');
    expect(message.channel.isDMBased()).toBe(true);
    const reply = await sim.waitForMessage({ dmUserId: alice.id });
    expect(reply.content).toBe('echo: hello bot');
    expect(reply.attachments[0]?.filename).toBe('sheet.png');
    expect(reply.attachments[0]?.data.equals(PNG)).toBe(true);
    const download = await fetch(reply.attachments[0]?.url ?? '');
    expect(Buffer.from(await download.arrayBuffer()).equals(PNG)).toBe(true);
    expect(sim.dmMessages(alice.id).map((m) => m.content)).toEqual(['hello bot', 'echo: hello bot']);
  });

  it('opens DM channels for the bot, sends embeds, types and reacts', async () => {
    const bob = sim.addUser({ username: 'bob' });
    const user = await client.users.fetch(bob.id);
    const dm = await user.createDM();
    await dm.sendTyping();
    const sent = await dm.send({ embeds: [new EmbedBuilder().setTitle('Sheet').setDescription('Strength 3')] });
    await sent.react('✅');
    const seen = await sim.waitForMessage({ dmUserId: bob.id });
    expect(seen.embeds[0]?.title).toBe('Sheet');
    expect(sim.reactions(sent.id).get('✅')).toEqual([sim.botUser.id]);
    await sent.edit('edited');
    expect(sim.dmMessages(bob.id)[0]?.content).toBe('edited');
    await sent.delete();
    expect(sim.dmMessages(bob.id)).toEqual([]);
  });

  it('dedupes a repeated nonce with enforce_nonce and returns the first message', async () => {
    const guild = sim.addGuild({ name: 'Table' });
    await guildArrived(client, guild.id);
    const channel = await client.channels.fetch(guild.defaultChannelId);
    if (!channel?.isSendable()) throw new Error('channel not sendable');
    const first = await channel.send({ content: 'XP awarded', nonce: 'job-42', enforceNonce: true });
    const second = await channel.send({ content: 'XP awarded', nonce: 'job-42', enforceNonce: true });
    expect(second.id).toBe(first.id);
    expect(sim.channelMessages(guild.defaultChannelId)).toHaveLength(1);
    await channel.send({ content: 'XP awarded', nonce: 'job-43', enforceNonce: true });
    expect(sim.channelMessages(guild.defaultChannelId)).toHaveLength(2);
  });

  it('refuses to post where the bot may not send and drops embeds without Embed Links', async () => {
    const guild = sim.addGuild({ name: 'Table', channels: [{ name: 'locked' }] });
    const locked = guild.channelIds[1] ?? '';
    await guildArrived(client, guild.id);
    for (const [channelId, switches] of [
      [locked, { botCanSend: false }],
      [guild.defaultChannelId, { botCanEmbed: false }],
    ] as const) {
      const updated = once(client, 'channelUpdate');
      sim.setChannelPermissions(channelId, switches);
      await updated;
    }
    const lockedChannel = client.channels.cache.get(locked);
    if (!lockedChannel || lockedChannel.isDMBased() || !lockedChannel.isSendable()) throw new Error('missing channel');
    const me = lockedChannel.guild.members.me;
    expect(me && lockedChannel.permissionsFor(me).has('SendMessages')).toBe(false);
    await expect(lockedChannel.send('hi')).rejects.toThrow(/Missing Permissions/);
    const general = client.channels.cache.get(guild.defaultChannelId);
    if (!general?.isSendable()) throw new Error('missing channel');
    await general.send({ content: 'card', embeds: [new EmbedBuilder().setTitle('x')] });
    const posted = await sim.waitForMessage({ channelId: guild.defaultChannelId });
    expect(posted.content).toBe('card');
    expect(posted.embeds).toEqual([]);
  });

  it('answers unknown routes with 404 and retries through injected faults', async () => {
    sim.faults.inject({ method: 'POST', path: /\/channels\/\d+\/messages$/, times: 1, status: 503 });
    sim.faults.inject({ method: 'POST', path: /\/channels\/\d+\/messages$/, times: 1, status: 429 });
    const carol = sim.addUser({ username: 'carol' });
    const dm = await (await client.users.fetch(carol.id)).createDM();
    await dm.send('after retries');
    expect(sim.dmMessages(carol.id).map((m) => m.content)).toEqual(['after retries']);

    const response = await fetch(`${sim.apiUrl}/v10/nope/here`, { headers: { authorization: 'Bot sim-bot-token' } });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: '404: Not Found', code: 0 });
    expect(sim.unknownRoutes).toContainEqual({ method: 'GET', path: '/api/v10/nope/here' });

    const anonymous = await fetch(`${sim.apiUrl}/v10/users/@me`);
    expect(anonymous.status).toBe(401);
    expect(sim.violations.map((v) => v.rule)).toEqual(['bot-token']);
  });
});
