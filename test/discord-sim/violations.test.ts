import { SlashCommandBuilder, type Client, type Interaction } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscordSimulator, SimUser } from '../../packages/sandbox/src/discord-sim/index.js';
import { connectClient, startSim } from './harness.js';

let sim: DiscordSimulator;
let client: Client;
let user: SimUser;
let handler: (interaction: Interaction) => Promise<void>;
let handlerError: Promise<unknown>;

beforeEach(async () => {
  sim = await startSim({ initialResponseDeadlineMs: 300 });
  user = sim.addUser({ username: 'vera' });
  client = await connectClient(sim);
  await client.application?.commands.set([
    new SlashCommandBuilder()
      .setName('find')
      .setDescription('Find')
      .addStringOption((o) => o.setName('q').setDescription('Query').setAutocomplete(true))
      .toJSON(),
  ]);
  let reportError: (error: unknown) => void = () => undefined;
  handlerError = new Promise((resolve) => (reportError = resolve));
  client.on('interactionCreate', (interaction) => {
    handler(interaction).then(() => reportError(undefined), reportError);
  });
});

afterEach(async () => {
  await client.destroy();
  await sim.close();
});

const rules = () => sim.violations.map((v) => v.rule);

describe('rules Discord enforces on the bot', () => {
  it('rejects a second acknowledgement with 40060', async () => {
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply('first');
      await interaction.client.rest.post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
        body: { type: 4, data: { content: 'second' } },
        auth: false,
      });
    };
    const ix = await sim.slashCommand({ user, command: 'find' });
    expect((await ix.reply()).content).toBe('first');
    expect(await handlerError).toMatchObject({ code: 40060 });
    expect(rules()).toEqual(['double-acknowledge']);
  });

  it('answers a late response with Unknown interaction and the handle rejects', async () => {
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await new Promise((r) => setTimeout(r, 450));
      await interaction.reply('too late');
    };
    const ix = await sim.slashCommand({ user, command: 'find' });
    await expect(ix.initialResponse()).rejects.toThrow(/did not acknowledge \/find/);
    expect(await handlerError).toMatchObject({ code: 10062 });
    expect(rules()).toContain('initial-response-deadline');
  });

  it('rejects content over 2000 characters', async () => {
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      await interaction.reply('x'.repeat(2001));
    };
    await sim.slashCommand({ user, command: 'find' });
    expect(await handlerError).toMatchObject({ code: 50035, status: 400 });
    expect(sim.violations).toContainEqual({ rule: 'content-length', detail: 'content of 2001 chars (max 2000)' });
  });

  it('rejects more than 25 autocomplete choices', async () => {
    handler = async (interaction) => {
      if (!interaction.isAutocomplete()) return;
      await interaction.respond(Array.from({ length: 26 }, (_, i) => ({ name: `c${i}`, value: `c${i}` })));
    };
    const pending = sim.autocomplete({ user, command: 'find', options: { q: 'c' }, focused: 'q' });
    await expect(pending).rejects.toThrow(/did not answer/);
    expect(await handlerError).toMatchObject({ code: 50035 });
    expect(rules()).toContain('autocomplete-choices');
  });

  it('rejects oversized embeds and too many buttons', async () => {
    handler = async (interaction) => {
      if (!interaction.isChatInputCommand()) return;
      const row = { type: 1, components: Array.from({ length: 6 }, (_, i) => ({ type: 2, style: 1, label: `b${i}`, custom_id: `b${i}` })) };
      await interaction.reply({ embeds: [{ title: 't'.repeat(257) }], components: [row] });
    };
    await sim.slashCommand({ user, command: 'find' });
    expect(await handlerError).toMatchObject({ code: 50035 });
    expect(rules()).toEqual(expect.arrayContaining(['embed-title', 'buttons-per-row']));
  });
});

describe('interaction token lifetime', () => {
  it('refuses edits after 15 minutes', async () => {
    let offset = 0;
    const clocked = await startSim({ now: () => Date.now() + offset });
    const bot = await connectClient(clocked);
    try {
      await bot.application?.commands.set([new SlashCommandBuilder().setName('slow').setDescription('Slow').toJSON()]);
      const edited = new Promise<unknown>((resolve) => {
        bot.on('interactionCreate', (interaction) => {
          if (!interaction.isChatInputCommand()) return;
          void interaction
            .deferReply()
            .then(() => {
              offset = 16 * 60_000;
              return interaction.editReply('finally');
            })
            .then(() => resolve(undefined), resolve);
        });
      });
      const someone = clocked.addUser({ username: 'ivo' });
      await clocked.slashCommand({ user: someone, command: 'slow' });
      expect(await edited).toMatchObject({ code: 50027 });
      expect(clocked.violations.map((v) => v.rule)).toEqual(['interaction-token-expired']);
    } finally {
      await bot.destroy();
      await clocked.close();
    }
  });
});
