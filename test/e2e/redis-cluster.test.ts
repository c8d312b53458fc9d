/**
 * The built bot on a real Redis Cluster (three primaries), configured only with REDIS_CLUSTER_NODES:
 * it reports ready, answers /ping, an XP grant's audit record goes through the delivery queue on the
 * cluster and is posted once, and it shuts down cleanly. Run `npm run build` first.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { GuildBindingStore } from '../../src/identity/guild-binding.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis.js';
import { startDiscordSimulator, type DiscordSimulator, type SimMessage } from '../../src/sandbox/discord-sim/index.js';
import type { SimGuild, SimUser } from '../../src/sandbox/discord-sim/model.js';
import { startFakeValentina, type FakeValentina } from '../../src/sandbox/fake-valentina/index.js';
import { FIXTURE_IDS } from '../../src/sandbox/fixture.js';
import { freePort } from '../../src/sandbox/redis-server.js';
import { startRedisCluster, type RedisClusterHandle } from '../../src/sandbox/redis-topology.js';
import { ChildBot, GUILD_MEMBERS, SIM_APPLICATION_ID, SIM_BOT_TOKEN, SIM_CLIENT_SECRET, waitFor, type GuildMemberName } from '../support/bot-process.js';

const main = FIXTURE_IDS.campaigns.main;

describe('the bot on a Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  let sim: DiscordSimulator;
  let fake: FakeValentina;
  let guild: SimGuild;
  let bot: ChildBot;
  let redis: RedisConnection;
  const users = {} as Record<GuildMemberName, SimUser>;

  beforeAll(async () => {
    [cluster, sim] = await Promise.all([
      startRedisCluster(),
      startDiscordSimulator({ heartbeatIntervalMs: 1_000, botToken: SIM_BOT_TOKEN, applicationId: SIM_APPLICATION_ID, clientSecret: SIM_CLIENT_SECRET }),
    ]);
    fake = await startFakeValentina({ discordApiUrl: sim.apiUrl });
    for (const name of GUILD_MEMBERS) {
      const id = FIXTURE_IDS.users[name].discordId!;
      users[name] = sim.addUser({ id, username: name, globalName: name.charAt(0).toUpperCase() + name.slice(1) });
    }
    guild = sim.addGuild({ name: 'Chicago by Night', ownerId: users.viktor.id });
    for (const name of GUILD_MEMBERS) if (users[name].id !== guild.ownerId) sim.addMember(guild.id, users[name].id);

    const httpPort = await freePort();
    const env: Record<string, string> = {
      DISCORD_TOKEN: SIM_BOT_TOKEN,
      DISCORD_API_URL: sim.apiUrl,
      DISCORD_CLIENT_ID: SIM_APPLICATION_ID,
      DISCORD_CLIENT_SECRET: SIM_CLIENT_SECRET,
      VALENTINA_API_URL: fake.url,
      VALENTINA_API_KEY: fake.apiKey,
      REDIS_CLUSTER_NODES: cluster.startupNodes.map((node) => `${node.host}:${node.port}`).join(','),
      REDIS_PREFIX: `e2e-cluster-${randomBytes(4).toString('hex')}`,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
      REGISTER_COMMANDS: `guild:${guild.id}`,
      LOG_LEVEL: 'warn',
    };
    // The binding is written as /setup would, through the same configuration the bot reads.
    const config = loadConfig(env);
    redis = createRedisConnection(config.redis, 'cache');
    await new GuildBindingStore(redis, config.redis.prefix).set({
      guildId: guild.id,
      companyId: FIXTURE_IDS.companies.chicago,
      companyName: 'Chicago by Night',
      approvalsChannelId: guild.defaultChannelId,
      defaultCampaignId: main,
      defaultCampaignName: 'Requiem for the Loop',
      auditChannelId: guild.defaultChannelId,
      updatedBy: users.viktor.id,
    });

    bot = new ChildBot(env, async () => {
      await waitFor('the guild commands to be registered', 20_000, () => sim.commands({ guildId: guild.id }).length > 0);
      await sim.gateway.waitForReady({ timeoutMs: 20_000 });
    });
    await bot.start(20_000);
  }, 60_000);

  afterAll(async () => {
    await bot?.stop('SIGKILL');
    redis?.disconnect();
    await fake?.close();
    await sim?.close();
    await cluster?.stop();
  });

  it('reports ready with Redis answering through the cluster, and answers /ping', async () => {
    const response = await fetch(`${bot.httpUrl}/readyz`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { checks: Record<string, string> }).checks.redis).toBe('ok');
    const reply = await (await sim.slashCommand({ user: users.mara, guildId: guild.id, command: 'ping' })).reply();
    expect(reply.content).toContain('Pong');
  });

  it('grants XP and posts its audit record once through the delivery queue', async () => {
    const before = fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current ?? 0;
    const reason = 'Scene on the cluster';
    const reply = await (
      await sim.slashCommand({ user: users.celeste, guildId: guild.id, command: 'xp', subcommand: 'add', options: { user: users.mara.id, amount: 2, reason } })
    ).reply();
    expect(reply.embeds[0]?.title).toContain('+2 XP');
    const isAudit = (m: SimMessage) => m.interactionId === null && m.embeds.some((e) => e.fields?.some((f) => f.value === reason));
    await sim.waitForMessage({ channelId: guild.defaultChannelId, predicate: isAudit, timeoutMs: 10_000 });
    expect(fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current).toBe(before + 2);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a duplicate would be posted by now
    expect(sim.channelMessages(guild.defaultChannelId).filter(isAudit)).toHaveLength(1);
    expect(sim.violations).toEqual([]);
    expect(bot.logs.filter((line) => /CROSSSLOT|same slot|MOVED/i.test(line))).toEqual([]);
  });

  it('closes its cluster connections and exits 0 within 5 seconds on SIGTERM', async () => {
    const exit = await bot.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(5_000);
  });
});
