/**
 * Voice states and role members as Discord shows them to a bot: VOICE_STATE_UPDATE and GUILD_CREATE's
 * `voice_states` only with the GUILD_VOICE_STATES intent, and List Guild Members only with the
 * application's Server Members Intent switch.
 */
import { GatewayIntentBits, Routes, type Client } from 'discord.js';
import { REST } from '@discordjs/rest';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import { BOT_TOKEN, connectClient, guildArrived, startSim } from './harness.js';

let sim: DiscordSimulator;
const clients: Client[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.destroy()));
  await sim?.close();
});

const waitUntil = async (probe: () => boolean) => {
  for (let i = 0; i < 100 && !probe(); i += 1) await new Promise((r) => setTimeout(r, 20));
  return probe();
};

describe('voice states', () => {
  it('reach a bot with GUILD_VOICE_STATES, in GUILD_CREATE and as updates, and never one without it', async () => {
    sim = await startSim();
    const guild = sim.addGuild({ name: 'Elysium' });
    const voice = sim.addChannel(guild.id, { name: 'Session', type: 2 });
    const [early, late] = ['early', 'late'].map((username) => sim.addUser({ username }));
    for (const user of [early!, late!]) sim.addMember(guild.id, user.id);
    sim.setVoiceChannel(guild.id, early!.id, voice.id);

    const withIntent = await connectClient(sim, { intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates] });
    const without = await connectClient(sim, { intents: [GatewayIntentBits.Guilds] });
    clients.push(withIntent, without);
    const seen = await guildArrived(withIntent, guild.id);
    const blind = await guildArrived(without, guild.id);
    expect(seen.voiceStates.cache.get(early!.id)?.channelId).toBe(voice.id);

    sim.setVoiceChannel(guild.id, late!.id, voice.id);
    expect(await waitUntil(() => seen.voiceStates.cache.get(late!.id)?.channelId === voice.id)).toBe(true);
    sim.setVoiceChannel(guild.id, early!.id, null);
    expect(await waitUntil(() => seen.voiceStates.cache.get(early!.id)?.channelId === null)).toBe(true);
    expect(blind.voiceStates.cache.size).toBe(0);
    expect(() => sim.setVoiceChannel(guild.id, late!.id, guild.defaultChannelId)).toThrow(/not a voice channel/);
  });
});

describe('List Guild Members', () => {
  const list = (query: Record<string, string>) =>
    new REST({ api: sim.apiUrl, retries: 0 }).setToken(BOT_TOKEN).get(Routes.guildMembers(guildId), { query: new URLSearchParams(query) });
  let guildId = '';

  it('answers 403 Missing Access without the Server Members Intent switch', async () => {
    sim = await startSim();
    guildId = sim.addGuild({ name: 'Elysium' }).id;
    await expect(list({ limit: '10' })).rejects.toMatchObject({ status: 403, code: 50001 });
  });

  it('pages the members by user id with the switch on, each with its roles', async () => {
    sim = await startSim({ serverMembersIntent: true });
    const guild = sim.addGuild({ name: 'Elysium' });
    guildId = guild.id;
    const role = sim.addRole(guild.id, { name: 'Coterie' });
    const users = Array.from({ length: 3 }, (_, i) => sim.addUser({ username: `kindred${i}` }));
    for (const user of users) sim.addMember(guild.id, user.id);
    sim.addMemberRole(guild.id, users[1]!.id, role.id);
    const first = (await list({ limit: '2' })) as Array<{ user: { id: string }; roles: string[] }>;
    const rest = (await list({ limit: '1000', after: first[1]!.user.id })) as typeof first;
    const all = [...first, ...rest].map((m) => m.user.id);
    expect(all).toEqual([...all].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
    expect(all).toHaveLength(5); // the owner, the bot and the three
    expect([...first, ...rest].find((m) => m.user.id === users[1]!.id)?.roles).toContain(role.id);
    await expect(list({ limit: '1001' })).rejects.toMatchObject({ status: 400 });
  });
});
