import { PermissionFlagsBits, SlashCommandBuilder, type Client } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import { APP_ID, connectClient, guildArrived, startSim } from './harness.js';

let sim: DiscordSimulator;
let client: Client | undefined;

beforeEach(async () => {
  sim = await startSim();
});

afterEach(async () => {
  await client?.destroy();
  client = undefined;
  await sim.close();
});

describe('discord simulator basics', () => {
  it('logs a real client in and delivers guilds with channels, roles and the bot member', async () => {
    const guild = sim.addGuild({ name: 'Night Table', channels: [{ name: 'dice' }] });
    client = await connectClient(sim);
    expect(client.user?.id).toBe(APP_ID);
    const cached = client.guilds.cache.get(guild.id);
    expect(cached?.name).toBe('Night Table');
    expect(cached?.channels.cache.map((c) => c.name).sort()).toEqual(['dice', 'general']);
    const me = cached?.members.me;
    expect(me?.permissions.has(PermissionFlagsBits.SendMessages)).toBe(true);
    expect(sim.gateway.identifyCount).toBe(1);
  });

  it('stores registered commands and rejects invalid definitions', async () => {
    client = await connectClient(sim);
    const xp = new SlashCommandBuilder()
      .setName('xp')
      .setDescription('Experience')
      .addSubcommand((s) =>
        s.setName('add').setDescription('Add XP').addUserOption((o) => o.setName('user').setDescription('Who').setRequired(true)),
      );
    await client.application?.commands.set([xp.toJSON()]);
    expect(sim.commands().map((c) => c.name)).toEqual(['xp']);
    expect(sim.commands()[0]?.options[0]?.name).toBe('add');

    await expect(client.application?.commands.set([{ name: 'Bad Name', description: 'x' }])).rejects.toThrow(/Invalid Form Body/);
    expect(sim.violations.map((v) => v.rule)).toContain('command-definition');
    expect(sim.commands().map((c) => c.name)).toEqual(['xp']);

    const guild = sim.addGuild({ name: 'Table' });
    await guildArrived(client, guild.id);
    await client.application?.commands.set([{ name: 'gm', description: 'Storyteller tools' }], guild.id);
    expect(sim.commands({ guildId: guild.id }).map((c) => [c.name, c.guild_id])).toEqual([['gm', guild.id]]);
    expect(sim.commands().map((c) => c.name)).toEqual(['xp']);
  });
});
