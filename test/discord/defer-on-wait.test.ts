/**
 * A command whose Valentina call must wait for a request-budget token, or whose change must wait for a
 * record another change holds, is deferred the moment the wait is known, not when the router's clock
 * runs out: under load, a 2.4 s wait plus a late deferral can miss Discord's 3 s. The router's clock is
 * set far out here, so only the wait can defer.
 */
import { SlashCommandBuilder } from 'discord.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { CommandModule } from '../../src/discord/types.js';
import { createKeyspace } from '../../src/keyspace.js';
import { createLogger } from '../../src/logger.js';
import { startDiscordSimulator, type DiscordSimulator, type SimGuild, type SimUser } from '../../packages/sandbox/src/discord-sim/index.js';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

const DEFERRED_CHANNEL_MESSAGE = 5;
const CHANNEL_MESSAGE = 4;

const commands: CommandModule[] = [
  {
    data: new SlashCommandBuilder().setName('upstream').setDescription('asks Valentina once'),
    async execute(_interaction, deps) {
      await deps.valentina.health();
      return { content: 'Valentina is fine.' };
    },
  },
  {
    data: new SlashCommandBuilder().setName('record').setDescription('changes a record under its lock'),
    async execute(_interaction, deps) {
      return deps.experienceLocks.oneAtATime(RECORD_LOCK, () => Promise.resolve({ content: 'Record changed.' }));
    },
  },
];

let sim: DiscordSimulator;
let fake: FakeValentina;
let app: App;
let redis: Redis;
let guild: SimGuild;
let user: SimUser;
const prefix = uniquePrefix('defer-on-wait');
const RECORD_LOCK = createKeyspace(prefix).experience.lock('company', 'user', 'campaign');

beforeAll(async () => {
  sim = await startDiscordSimulator({ botToken: 'defer-test-token', applicationId: '1180000000000000004', heartbeatIntervalMs: 1_000 });
  fake = await startFakeValentina({ rateLimits: false });
  user = sim.addUser({ username: 'mara' });
  guild = sim.addGuild({ name: 'Defer tests', ownerId: user.id });
  const config = loadConfig({
    DISCORD_TOKEN: 'defer-test-token',
    DISCORD_API_URL: sim.apiUrl,
    DISCORD_CLIENT_ID: '1180000000000000004',
    DISCORD_CLIENT_SECRET: 'sim-client-secret',
    PUBLIC_URL: 'https://bot.example.org',
    VALENTINA_API_URL: fake.url,
    VALENTINA_API_KEY: fake.apiKey,
    REDIS_URL: redisUrl(),
    REDIS_PREFIX: prefix,
    REGISTER_COMMANDS: `guild:${guild.id}`,
    BOT_ROLES: 'gateway',
    LOG_LEVEL: 'silent',
  });
  redis = new Redis(redisUrl());
  app = createApp(config, createLogger('silent'), { commands, deferAfterMs: 10_000, selfCheck: false });
  await app.start();
  await sim.gateway.waitForReady();
});

afterAll(async () => {
  await app?.stop();
  await redis?.quit();
  await sim?.close();
  await fake?.close();
});

describe('a command waiting for a Valentina budget token', () => {
  it('is answered at once when the budget has a token', async () => {
    const handle = await sim.slashCommand({ user, guildId: guild.id, command: 'upstream' });
    expect((await handle.initialResponse()).type).toBe(CHANNEL_MESSAGE);
    expect((await handle.reply()).content).toBe('Valentina is fine.');
  });

  it('is deferred as soon as it has to wait, then answered', async () => {
    // Two tokens short: the next token is 2.4 s away at the default 50 per 60 s.
    const [seconds, micros] = await redis.time();
    const now = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
    await redis.hset(createKeyspace(prefix).valentinaBudget(), 'tokens', '-1', 'ts', String(now));
    const handle = await sim.slashCommand({ user, guildId: guild.id, command: 'upstream' });
    expect((await handle.initialResponse()).type).toBe(DEFERRED_CHANNEL_MESSAGE);
    expect((await handle.reply({ timeoutMs: 10_000 })).content).toBe('Valentina is fine.');
  });
});

describe('a command waiting for a record another change holds', () => {
  it('is deferred as soon as it finds the record held, then answered once it is free', async () => {
    await redis.set(RECORD_LOCK, 'another-change', 'PX', 30_000);
    try {
      const handle = await sim.slashCommand({ user, guildId: guild.id, command: 'record' });
      // Deferred while the record is still held (a 5 s wait, then a refusal): the router's own clock (10 s) has no part in it.
      expect((await handle.initialResponse()).type).toBe(DEFERRED_CHANNEL_MESSAGE);
      await redis.del(RECORD_LOCK);
      expect((await handle.reply({ timeoutMs: 10_000 })).content).toBe('Record changed.');
    } finally {
      await redis.del(RECORD_LOCK);
    }
  });
});
