import { once } from 'node:events';
import { Client, GatewayIntentBits, Partials, SlashCommandBuilder, type Message } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { shardOf, type DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import { BOT_TOKEN, connectClient, startSim } from './harness.js';

let sim: DiscordSimulator;
const clients: Client[] = [];

beforeEach(async () => {
  sim = await startSim();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  await sim.close();
});

describe('gateway sessions', () => {
  it('resumes after a resumable disconnect and replays the event missed meanwhile', async () => {
    const client = await connectClient(sim);
    clients.push(client);
    const user = sim.addUser({ username: 'nina' });
    sim.gateway.disconnect({ resumable: true });
    const received = new Promise<Message>((resolve) => client.once('messageCreate', resolve));
    await sim.sendDM(user, 'sent while offline');
    await sim.gateway.waitForResume();
    expect((await received).content).toBe('sent while offline');
    expect(sim.gateway.identifyCount).toBe(1);
    expect(sim.gateway.resumeCount).toBe(1);
    expect(sim.gateway.connections).toBe(2);
  });

  it('identifies again after a non-resumable disconnect', async () => {
    // No 5 s pause between identifies (discord.js' default throttle) in this test.
    const client = await connectClient(sim, { ws: { buildIdentifyThrottler: () => Promise.resolve({ waitForIdentify: () => Promise.resolve() }) } });
    clients.push(client);
    const reconnected = once(client, 'shardReady');
    sim.gateway.disconnect({ resumable: false });
    await reconnected;
    expect(sim.gateway.identifyCount).toBe(2);
    expect(sim.gateway.resumeCount).toBe(0);
  });

  it('routes guilds to the shard that owns them and DMs to shard 0', async () => {
    const guilds = Array.from({ length: 6 }, (_, i) => sim.addGuild({ name: `g${i}` }));
    const owned = (shard: number) => guilds.filter((g) => shardOf(g.id, 2) === shard).map((g) => g.id).sort();
    const shardClients = [0, 1].map(
      (shard) =>
        new Client({
          intents: [GatewayIntentBits.Guilds, GatewayIntentBits.DirectMessages],
          partials: [Partials.Channel],
          shards: shard,
          shardCount: 2,
          rest: { api: sim.apiUrl },
        }),
    );
    clients.push(...shardClients);
    await Promise.all(
      shardClients.map(async (c) => {
        const ready = once(c, 'clientReady');
        await c.login(BOT_TOKEN);
        await ready;
      }),
    );
    expect([...(shardClients[0]?.guilds.cache.keys() ?? [])].sort()).toEqual(owned(0));
    expect([...(shardClients[1]?.guilds.cache.keys() ?? [])].sort()).toEqual(owned(1));

    await shardClients[0]?.application?.commands.set([new SlashCommandBuilder().setName('where').setDescription('Which shard').toJSON()]);
    for (const c of shardClients) {
      c.on('interactionCreate', (interaction) => {
        if (interaction.isChatInputCommand()) void interaction.reply(`shard ${c.shard?.ids.join() ?? c.ws.shards.first()?.id}`);
      });
    }
    const user = sim.addUser({ username: 'omar' });
    for (const guild of guilds) sim.addMember(guild.id, user.id);
    const target = guilds.find((g) => shardOf(g.id, 2) === 1) ?? guilds[0];
    const inGuild = await sim.slashCommand({ user, guildId: target?.id, command: 'where' });
    expect((await inGuild.reply()).content).toBe(`shard ${shardOf(target?.id ?? '0', 2)}`);
    const inDm = await sim.slashCommand({ user, command: 'where' });
    expect((await inDm.reply()).content).toBe('shard 0');
  });
  it('sends DMs only to sessions with the DIRECT_MESSAGES intent', async () => {
    const guild = sim.addGuild({ name: 'Haven' });
    const withDms = await connectClient(sim);
    const withoutDms = await connectClient(sim, { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] });
    clients.push(withDms, withoutDms);
    const seen: string[] = [];
    withoutDms.on('messageCreate', (message) => seen.push(message.content));
    const marker = new Promise<Message>((resolve) =>
      withoutDms.on('messageCreate', (message) => {
        if (message.content === 'marker') resolve(message);
      }),
    );
    const dm = new Promise<Message>((resolve) => withDms.once('messageCreate', resolve));
    const user = sim.addUser({ username: 'pia' });
    await sim.sendDM(user, 'private note');
    expect((await dm).content).toBe('private note');
    // Events on one socket arrive in order: once the later guild message is in, the DM would be too.
    const channel = await withDms.channels.fetch(guild.defaultChannelId);
    if (!channel?.isSendable()) throw new Error('default channel is not sendable');
    await channel.send('marker');
    await marker;
    expect(seen).toEqual(['marker']);
  });
});
