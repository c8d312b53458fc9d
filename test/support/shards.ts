/**
 * Two-shard set-ups for end-to-end tests that run several bot processes on one simulator: the fixture's
 * Discord users, and one guild per shard (of 2), each bound to Chicago by Night with its default
 * channel for approvals and the XP log — and {@link startShardedDeployment}, which starts the simulator,
 * the fake Valentina and Redis for them and the bot processes on top (a gateway per shard, workers).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { GuildBindingStore } from '../../src/identity/guild-binding.js';
import { createKeyspace } from '../../src/keyspace.js';
import { startDiscordSimulator, type DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import type { SimGuild, SimUser } from '../../packages/sandbox/src/discord-sim/model.js';
import { DISCORD_EPOCH } from '../../packages/sandbox/src/discord-sim/snowflake.js';
import { startFakeValentina, type FakeValentina, type FakeValentinaOptions } from '../../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { freePort } from '../../packages/sandbox/src/redis-server.js';
import { ChildBot, GUILD_MEMBERS, SIM_APPLICATION_ID, SIM_BOT_TOKEN, SIM_CLIENT_SECRET, START_TIMEOUT_MS, upstreamEnv, waitFor, type GuildMemberName } from './bot-process.js';
import { redisUrl } from './redis.js';

/** A guild id on `shard` of 2: the shard is `(id >> 22) % 2`. */
export function guildIdOnShard(shard: number): string {
  let timestamp = BigInt(Date.now()) - DISCORD_EPOCH;
  if (timestamp % 2n !== BigInt(shard)) timestamp += 1n;
  return ((timestamp << 22n) | 7n).toString();
}

/** Adds the fixture's Discord users and a bound guild on each of 2 shards (guilds[0] on shard 0). */
export async function addShardedGuilds(sim: DiscordSimulator, redis: Redis, prefix: string): Promise<{ users: Record<GuildMemberName, SimUser>; guilds: SimGuild[] }> {
  const users = {} as Record<GuildMemberName, SimUser>;
  for (const name of GUILD_MEMBERS) {
    const id = FIXTURE_IDS.users[name].discordId!;
    users[name] = sim.addUser({ id, username: name, globalName: name.charAt(0).toUpperCase() + name.slice(1) });
  }
  const bindings = new GuildBindingStore(redis, createKeyspace(prefix).identity);
  const guilds: SimGuild[] = [];
  for (const shard of [0, 1]) {
    const guild = sim.addGuild({ id: guildIdOnShard(shard), name: `Chicago by Night ${shard}`, ownerId: users.viktor.id });
    for (const name of GUILD_MEMBERS) if (users[name].id !== guild.ownerId) sim.addMember(guild.id, users[name].id);
    await bindings.set({
      guildId: guild.id,
      companyId: FIXTURE_IDS.companies.chicago,
      companyName: 'Chicago by Night',
      approvalsChannelId: guild.defaultChannelId,
      ...MAIN_CAMPAIGN_AS_DEFAULT,
      auditChannelId: guild.defaultChannelId,
      updatedBy: users.viktor.id,
    });
    guilds.push(guild);
  }
  return { users, guilds };
}

export interface ShardedDeploymentOptions {
  /** Names the Redis prefix (`e2e-<name>-<random>`). */
  name: string;
  /** The simulator's port (default a free one): for a process that must know it before the simulator runs. */
  simPort?: number;
  /** Options of the fake Valentina (its Discord is the simulator). */
  fake?: Omit<FakeValentinaOptions, 'discordApiUrl'>;
  /** Environment every bot process gets on top of the deployment's own (e.g. `PUBLIC_URL`, `LOG_LEVEL`). */
  env?: Record<string, string>;
}

export interface ShardedDeployment {
  sim: DiscordSimulator;
  fake: FakeValentina;
  /** A client of the deployment's Redis, for the test's own reads. */
  redis: Redis;
  prefix: string;
  users: Record<GuildMemberName, SimUser>;
  /** One bound guild per shard: `guilds[0]` on shard 0, `guilds[1]` on shard 1. */
  guilds: SimGuild[];
  /** The environment every bot process starts from. */
  env: Record<string, string>;
  /** Every bot process started, in order. */
  bots: ChildBot[];
  /** Starts a bot process on fresh ports with `extra` environment; `ready` says when it serves (default: when it started). */
  startBot(extra: Record<string, string>, ready?: () => Promise<void>): Promise<ChildBot>;
  /** Starts the gateway process of `shard` (of 2), ready once the simulator saw the shard connect. */
  startGateway(shard: number, extra?: Record<string, string>): Promise<ChildBot>;
  /** Kills every bot process and stops the rest. */
  close(): Promise<void>;
}

/**
 * A deployment on one Redis with two guilds, one per shard: the simulator, the fake Valentina and the
 * fixture's users and guilds, with no bot process yet (start them with `startGateway` and `startBot`).
 * A failure on the way stops what was started.
 */
export async function startShardedDeployment(options: ShardedDeploymentOptions): Promise<ShardedDeployment> {
  const bots: ChildBot[] = [];
  const started: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const bot of bots) await bot.stop('SIGKILL');
    for (const stop of started.reverse()) await stop().catch(() => undefined);
  };
  try {
    const sim = await startDiscordSimulator({
      ...(options.simPort === undefined ? {} : { port: options.simPort }),
      heartbeatIntervalMs: 1_000,
      botToken: SIM_BOT_TOKEN,
      applicationId: SIM_APPLICATION_ID,
      clientSecret: SIM_CLIENT_SECRET,
    });
    started.push(() => sim.close());
    const fake = await startFakeValentina({ ...options.fake, discordApiUrl: sim.apiUrl });
    started.push(() => fake.close());
    const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
    started.push(() => redis.quit());
    const prefix = `e2e-${options.name}-${randomBytes(4).toString('hex')}`;
    const { users, guilds } = await addShardedGuilds(sim, redis, prefix);
    const env = {
      ...upstreamEnv(sim, fake),
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: prefix,
      HTTP_HOST: '127.0.0.1',
      PUBLIC_URL: 'http://127.0.0.1:9',
      REGISTER_COMMANDS: 'global',
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    const startBot = async (extra: Record<string, string>, ready: () => Promise<void> = async () => undefined) => {
      const bot = new ChildBot({ ...env, HTTP_PORT: String(await freePort()), OPS_HTTP_PORT: String(await freePort()), ...extra }, ready);
      bots.push(bot);
      await bot.start(START_TIMEOUT_MS);
      return bot;
    };
    const startGateway = (shard: number, extra: Record<string, string> = {}) =>
      startBot({ BOT_ROLES: 'gateway', SHARD_COUNT: '2', SHARD_IDS: String(shard), ...extra }, async () => {
        await waitFor('global commands', START_TIMEOUT_MS, () => sim.commands().length > 0);
        await sim.gateway.waitForReady({ shardId: shard, timeoutMs: START_TIMEOUT_MS });
      });
    return { sim, fake, redis, prefix, users, guilds, env, bots, startBot, startGateway, close };
  } catch (error) {
    await close();
    throw error;
  }
}
