/**
 * The router, responder and error mapper inside a real discord.js client, against the Discord
 * simulator: slow handlers are deferred and then edited, failures become the right ephemeral
 * message, autocomplete failures become no choices, and shutdown drains in-flight interactions.
 */
import { SlashCommandBuilder } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { UserError } from '../../src/discord/errors.js';
import { SHUTTING_DOWN_MESSAGE } from '../../src/discord/router.js';
import type { CommandModule } from '../../src/discord/types.js';
import { createLogger } from '../../src/logger.js';
import { EPHEMERAL_FLAG, startDiscordSimulator, type DiscordSimulator, type SimGuild, type SimUser } from '../../packages/sandbox/src/discord-sim/index.js';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { ValentinaOutcomeUnknownError } from '../../src/valentina/index.js';

const DEFERRED_CHANNEL_MESSAGE = 5;
const CHANNEL_MESSAGE = 4;

/** A latch a test opens to let a "slow" handler finish. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

let slowGate = gate();

const command = (name: string) => new SlashCommandBuilder().setName(name).setDescription(`test command ${name}`);

const testCommands: CommandModule[] = [
  {
    data: command('slow'),
    async execute() {
      await slowGate.opened;
      return { content: 'Finally done.' };
    },
  },
  {
    data: command('slowpublic'),
    visibility: 'public',
    async execute() {
      await slowGate.opened;
      return { content: 'Done for everyone.' };
    },
  },
  {
    data: command('mistake'),
    async execute() {
      throw new UserError('Pick a character first.');
    },
  },
  {
    data: command('boom'),
    async execute() {
      throw new Error('internal state: api key sk_live_123 at /srv/bot');
    },
  },
  {
    data: command('upstream'),
    async execute(_interaction, deps) {
      await deps.valentina.health();
      return { content: 'Valentina is fine.' };
    },
  },
  {
    data: command('remember')
      .addStringOption((o) => o.setName('text').setDescription('what to keep').setRequired(true))
      .addUserOption((o) => o.setName('for').setDescription('who it is for')),
    async execute(interaction, deps) {
      await deps.valentina.health();
      return { content: `Kept ${interaction.options.getString('text', true)}` };
    },
  },
  {
    data: command('unsure').addStringOption((o) => o.setName('text').setDescription('what to keep').setRequired(true)),
    async execute() {
      throw new ValentinaOutcomeUnknownError({ status: 500, detail: 'answered 500', requestId: 'req_unsure', method: 'POST', endpoint: '/x', mayStillRun: false });
    },
  },
  {
    data: command('pick').addStringOption((o) => o.setName('thing').setDescription('a thing').setAutocomplete(true)),
    async execute(interaction) {
      return { content: `Picked ${interaction.options.getString('thing')}` };
    },
    async autocomplete(interaction) {
      if (interaction.options.getFocused() === 'fail') throw new Error('cache exploded');
      return [{ name: 'Lucien', value: 'lucien' }];
    },
  },
];

let sim: DiscordSimulator;
let fake: FakeValentina;
let app: App;
let guild: SimGuild;
let user: SimUser;

/** Starts the app (again, after the shutdown test: tests run in any order). */
let startApp: () => Promise<void>;

beforeAll(async () => {
  sim = await startDiscordSimulator({ botToken: 'router-test-token', applicationId: '1180000000000000003', heartbeatIntervalMs: 1_000 });
  fake = await startFakeValentina({ rateLimits: false });
  user = sim.addUser({ username: 'mara' });
  guild = sim.addGuild({ name: 'Router tests', ownerId: user.id });
  const config = loadConfig({
    DISCORD_TOKEN: 'router-test-token',
    DISCORD_API_URL: sim.apiUrl,
    DISCORD_CLIENT_ID: '1180000000000000003',
    DISCORD_CLIENT_SECRET: 'sim-client-secret',
    PUBLIC_URL: 'https://bot.example.org',
    VALENTINA_API_URL: fake.url,
    VALENTINA_API_KEY: fake.apiKey,
    REDIS_URL: redisUrl(),
    REDIS_PREFIX: uniquePrefix('router'),
    REGISTER_COMMANDS: `guild:${guild.id}`,
    BOT_ROLES: 'gateway',
    LOG_LEVEL: 'silent',
  });
  startApp = async () => {
    app = createApp(config, createLogger('silent'), { commands: testCommands, deferAfterMs: 100, selfCheck: false });
    await app.start();
    await sim.gateway.waitForReady();
  };
  await startApp();
});

afterAll(async () => {
  await app?.stop();
  await sim?.close();
  await fake?.close();
});

const run = (name: string, options?: Record<string, string>) =>
  sim.slashCommand({ user, guildId: guild.id, command: name, ...(options ? { options } : {}) });

describe('interaction routing', () => {
  it('defers a slow command ephemerally, then edits in the answer', async () => {
    slowGate = gate();
    const handle = await run('slow');
    const initial = await handle.initialResponse();
    expect(initial.type).toBe(DEFERRED_CHANNEL_MESSAGE);
    expect(Number(initial.data?.flags ?? 0) & EPHEMERAL_FLAG).toBe(EPHEMERAL_FLAG);
    slowGate.open();
    const reply = await handle.reply();
    expect(reply.content).toBe('Finally done.');
    expect(reply.ephemeral).toBe(true);
  });

  it('defers a slow public command publicly', async () => {
    slowGate = gate();
    const handle = await run('slowpublic');
    const initial = await handle.initialResponse();
    expect(initial.type).toBe(DEFERRED_CHANNEL_MESSAGE);
    slowGate.open();
    const reply = await handle.reply();
    expect(reply).toMatchObject({ content: 'Done for everyone.', ephemeral: false });
  });

  it('shows a UserError to the user alone, as written', async () => {
    const handle = await run('mistake');
    expect((await handle.initialResponse()).type).toBe(CHANNEL_MESSAGE);
    expect(await handle.reply()).toMatchObject({ content: 'Pick a character first.', ephemeral: true });
  });

  it('apologises with a reference for a bug, without leaking the error', async () => {
    const reply = await (await run('boom')).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/ERR-[0-9A-Z]{4}/);
    expect(reply.content).not.toMatch(/sk_live|internal state|\/srv/);
  });

  it('tells the user Valentina is down, naming the request', async () => {
    fake.faults.inject({ path: '/health', kind: 'status', status: 503, times: 20 });
    try {
      const reply = await (await run('upstream')).reply({ timeoutMs: 15_000 });
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toMatch(/^Valentina is not answering right now/);
      expect(reply.content).toMatch(/\(request [^)\s]+\)/);
    } finally {
      fake.faults.clear();
    }
  });

  it('hands back what the user typed when Valentina fails, so they can send it again', async () => {
    fake.faults.inject({ path: '/health', kind: 'status', status: 503, times: 20 });
    try {
      const handle = await sim.slashCommand({ user, guildId: guild.id, command: 'remember', options: { text: 'The Prince owes us a `boon`', for: user.id } });
      const reply = await handle.reply({ timeoutMs: 15_000 });
      expect(reply.content).toMatch(/^Valentina is not answering right now/);
      expect(reply.content).toContain("What you typed, to send again:\n```\n/remember text:The Prince owes us a 'boon' for:@mara\n```");
    } finally {
      fake.faults.clear();
    }
    // A mistake of the user's own is answered alone: they change the command rather than resend it.
    expect((await (await run('mistake')).reply()).content).toBe('Pick a character first.');
  });

  it('never offers a write back to resend when it may have been applied', async () => {
    const handle = await sim.slashCommand({ user, guildId: guild.id, command: 'unsure', options: { text: 'Give me 5' } });
    const reply = await handle.reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe("Valentina didn't confirm this change, so it may or may not have been made (request req_unsure). Check before you try again.");
  });

  it('answers autocomplete, and answers no choices when the handler fails', async () => {
    const choices = await sim.autocomplete({ user, guildId: guild.id, command: 'pick', options: { thing: 'lu' }, focused: 'thing' });
    expect(choices).toEqual([{ name: 'Lucien', value: 'lucien' }]);
    const none = await sim.autocomplete({ user, guildId: guild.id, command: 'pick', options: { thing: 'fail' }, focused: 'thing' });
    expect(none).toEqual([]);
  });

  it('broke no Discord rule', () => {
    expect(sim.violations).toEqual([]);
  });

  it('on shutdown finishes in-flight interactions and turns new ones away politely', async () => {
    slowGate = gate();
    const inFlight = await run('slow');
    await inFlight.initialResponse();
    const stopped = app.stop();
    const late = await run('mistake');
    expect(await late.reply()).toMatchObject({ content: SHUTTING_DOWN_MESSAGE, ephemeral: true });
    slowGate.open();
    expect((await inFlight.reply()).content).toBe('Finally done.');
    await stopped;
    expect(sim.violations).toEqual([]);
    await startApp();
  });
});
