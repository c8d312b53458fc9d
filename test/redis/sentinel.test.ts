/**
 * Redis Sentinel, for real: a primary, a replica and a sentinel on loopback. The bot's connections,
 * built from REDIS_SENTINELS the way the app builds them, keep bindings and deliver queued messages —
 * and after a failover they follow the new primary.
 */
import { REST } from '@discordjs/rest';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { redisCheck } from '../../src/http/health.js';
import { GuildBindingStore } from '../../src/identity/guild-binding.js';
import { createLogger } from '../../src/logger.js';
import { DeliveryQueue, startDeliveryWorker, type DeliveryJob, type DeliveryResult } from '../../src/queue/deliveries.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis.js';
import { startDiscordSimulator, type DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { RedisDurabilityCheck } from '../../src/redis-durability.js';
import { redisCommand, startSentinelGroup, type SentinelGroup } from '../../packages/sandbox/src/redis-topology.js';
import { createKeyspace } from '../../src/keyspace.js';

describe('Redis Sentinel', () => {
  let group: SentinelGroup;
  let sim: DiscordSimulator;
  let config: Config;
  let cache: RedisConnection;
  let bindings: GuildBindingStore;
  let deliveries: DeliveryQueue;
  let worker: Worker<DeliveryJob, DeliveryResult>;
  const connections: RedisConnection[] = [];

  beforeAll(async () => {
    [group, sim] = await Promise.all([
      startSentinelGroup({ replicas: 1 }),
      startDiscordSimulator({ botToken: 'sentinel-bot', applicationId: '1180000000000000011' }),
    ]);
    config = loadConfig({
      DISCORD_TOKEN: 'sentinel-bot',
      DISCORD_CLIENT_ID: '1180000000000000011',
      DISCORD_CLIENT_SECRET: 'secret',
      PUBLIC_URL: 'https://bot.example.org',
      VALENTINA_API_KEY: 'key',
      REDIS_SENTINELS: group.sentinelNodes.map((node) => `${node.host}:${node.port}`).join(','),
      REDIS_SENTINEL_NAME: group.name,
      REDIS_PREFIX: 'sentinel-test',
    });
    cache = createRedisConnection(config.redis, 'cache');
    const producer = createRedisConnection(config.redis, 'queue', { lazyConnect: true });
    const consumer = createRedisConnection(config.redis, 'queue');
    connections.push(cache, producer, consumer);
    bindings = new GuildBindingStore(cache, createKeyspace(config.redis.prefix).identity);
    deliveries = new DeliveryQueue({ connection: producer, prefix: createKeyspace(config.redis.prefix).queuePrefix });
    const rest = new REST({ api: sim.apiUrl, version: '10', retries: 0 }).setToken('sentinel-bot');
    worker = startDeliveryWorker({ connection: consumer, prefix: createKeyspace(config.redis.prefix).queuePrefix, rest, logger: createLogger('silent') });
    for (const connection of connections) connection.on('error', () => undefined);
    worker.on('error', () => undefined);
  });
  afterAll(async () => {
    await worker?.close(true).catch(() => undefined);
    await deliveries?.close().catch(() => undefined);
    for (const connection of connections) connection.disconnect();
    await sim?.close();
    await group?.stop();
  });

  /** The port of the server a connection is talking to, as that server reports it. */
  const connectedPort = async (connection: RedisConnection) => Number(((await connection.call('CONFIG', 'GET', 'port')) as string[])[1]);

  const bindAndDeliver = async (label: string) => {
    const guild = sim.addGuild({ name: label });
    await bindings.set({
      guildId: guild.id,
      companyId: FIXTURE_IDS.companies.chicago,
      companyName: 'Chicago by Night',
      approvalsChannelId: guild.defaultChannelId,
      defaultCampaignId: null,
      defaultCampaignName: null,
      auditChannelId: guild.defaultChannelId,
      updatedBy: FIXTURE_IDS.users.viktor.discordId!,
    });
    await deliveries.enqueue(`xp-audit:${label}`, { kind: 'channel', channelId: guild.defaultChannelId, message: { content: `Audit ${label}` } });
    const posted = await sim.waitForMessage({ channelId: guild.defaultChannelId, timeoutMs: 30_000 });
    return { guild, posted };
  };

  it('stores bindings on the primary the sentinels name and delivers queued messages once', async () => {
    // The first data node, or the replica when the failover test ran first: the one the sentinels name.
    const primary = await group.primaryPort();
    expect(group.dataNodes.map((node) => node.port)).toContain(primary);
    await expect.poll(() => connectedPort(cache).catch(() => 0), { timeout: 30_000, interval: 100 }).toBe(primary);

    const { guild, posted } = await bindAndDeliver('before');
    expect(posted.content).toBe('Audit before');
    expect((await bindings.get(guild.id))?.companyName).toBe('Chicago by Night');
    expect(await redisCommand(primary, 'EXISTS', createKeyspace(config.redis.prefix).identity.guildBinding(guild.id))).toBe(1);
    await expect(redisCheck(cache, 10_000)()).resolves.toBe(true);
    expect(sim.channelMessages(guild.defaultChannelId)).toHaveLength(1);
  });

  it('checks the durability of the primary the sentinels name', async () => {
    const verify = () => new RedisDurabilityCheck({ connection: cache, settings: config.redis, allowVolatile: false, logger: createLogger('silent') }).verify();
    await expect(verify()).resolves.toEqual({ state: 'durable' });
    const primary = await group.primaryPort();
    await redisCommand(primary, 'CONFIG', 'SET', 'maxmemory-policy', 'volatile-lru');
    try {
      await expect(verify()).rejects.toThrow(`on the primary of ${group.name} maxmemory-policy is volatile-lru, which evicts keys`);
    } finally {
      await redisCommand(primary, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('follows the new primary after a failover: reads, writes, deliveries and /readyz keep working', { timeout: 120_000 }, async () => {
    const { guild: earlier } = await bindAndDeliver('earlier');
    // Replication is asynchronous and a forced failover does not wait for it: only what reached the
    // replica survives, as with any Sentinel deployment. Wait until the binding was replicated.
    // (WAIT with no timeout: it returns once the replica acknowledged; the test's timeout bounds it.)
    expect(Number(await cache.call('WAIT', '1', '0'))).toBe(1);
    const before = await group.primaryPort();
    const promoted = await group.failover();
    expect(promoted).not.toBe(before);
    expect(group.dataNodes.map((node) => node.port)).toContain(promoted);
    // The connections follow the sentinel's +switch-master; generous, as a loaded machine is slow to.
    await expect.poll(() => connectedPort(cache).catch(() => 0), { timeout: 30_000, interval: 100 }).toBe(promoted);

    expect((await bindings.get(earlier.id))?.guildId).toBe(earlier.id);
    const { guild, posted } = await bindAndDeliver('after');
    expect(posted.content).toBe('Audit after');
    expect(await redisCommand(promoted, 'EXISTS', createKeyspace(config.redis.prefix).identity.guildBinding(guild.id))).toBe(1);
    await expect(redisCheck(cache, 10_000)()).resolves.toBe(true);
    expect(sim.channelMessages(guild.defaultChannelId)).toHaveLength(1);
  });
});
