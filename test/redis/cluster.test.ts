/**
 * Redis Cluster, for real: three primaries on loopback joined with `redis-cli --cluster create`. With
 * REDIS_CLUSTER_NODES the prefix is hash-tagged, so the stores' transactions, MGETs and Lua scripts and
 * BullMQ's queues all work; the same stores under an untagged prefix are refused by the cluster.
 */
import { REST } from '@discordjs/rest';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { redisCheck } from '../../src/http/health.js';
import { GuildBindingStore, type GuildBindingInput } from '../../src/identity/guild-binding.js';
import { OAuthStateStore } from '../../src/identity/oauth-state.js';
import { createLogger } from '../../src/logger.js';
import { BurstBuffer } from '../../src/notes/burst.js';
import { DeliveryQueue, startDeliveryWorker, type DeliveryJob, type DeliveryResult } from '../../src/queue/deliveries.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis.js';
import { startDiscordSimulator, type DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { redisCommand, startRedisCluster, type RedisClusterHandle } from '../../packages/sandbox/src/redis-topology.js';
import { RedisDurabilityCheck } from '../../src/redis-durability.js';
import { createKeyspace } from '../../src/keyspace.js';
import { waitForIdle } from '../support/queues.js';

const chicago = FIXTURE_IDS.companies.chicago;

describe('Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  let sim: DiscordSimulator;
  let config: Config;
  let cache: RedisConnection;
  let deliveries: DeliveryQueue;
  let worker: Worker<DeliveryJob, DeliveryResult>;
  const connections: RedisConnection[] = [];

  beforeAll(async () => {
    [cluster, sim] = await Promise.all([startRedisCluster(), startDiscordSimulator({ botToken: 'cluster-bot', applicationId: '1180000000000000012' })]);
    config = loadConfig({
      DISCORD_TOKEN: 'cluster-bot',
      DISCORD_CLIENT_ID: '1180000000000000012',
      DISCORD_CLIENT_SECRET: 'secret',
      PUBLIC_URL: 'https://bot.example.org',
      VALENTINA_API_KEY: 'key',
      REDIS_CLUSTER_NODES: cluster.startupNodes.map((node) => `${node.host}:${node.port}`).join(','),
      REDIS_PREFIX: 'cluster-test',
    });
    cache = createRedisConnection(config.redis, 'cache');
    const producer = createRedisConnection(config.redis, 'queue', { lazyConnect: true });
    const consumer = createRedisConnection(config.redis, 'queue');
    connections.push(cache, producer, consumer);
    deliveries = new DeliveryQueue({ connection: producer, prefix: createKeyspace(config.redis.prefix).queuePrefix });
    const rest = new REST({ api: sim.apiUrl, version: '10', retries: 0 }).setToken('cluster-bot');
    worker = startDeliveryWorker({ connection: consumer, prefix: createKeyspace(config.redis.prefix).queuePrefix, rest, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await worker?.close(true).catch(() => undefined);
    await deliveries?.close().catch(() => undefined);
    for (const connection of connections) connection.disconnect();
    await sim?.close();
    await cluster?.stop();
  });

  const binding = (guildId: string, companyId = chicago): GuildBindingInput => ({
    guildId,
    companyId,
    companyName: 'Chicago by Night',
    approvalsChannelId: guildId,
    defaultCampaignId: null,
    defaultCampaignName: null,
    auditChannelId: null,
    updatedBy: FIXTURE_IDS.users.viktor.discordId!,
  });

  it('answers /readyz PING and hash-tags the deployment prefix for BullMQ too', async () => {
    expect(config.redis.prefix).toBe('{cluster-test}');
    expect(createKeyspace(config.redis.prefix).queuePrefix).toBe('{cluster-test}:bull');
    await expect(redisCheck(cache, 10_000)()).resolves.toBe(true);
  });

  it('checks the durability of every primary of the cluster', async () => {
    const verify = () => new RedisDurabilityCheck({ connection: cache, settings: config.redis, allowVolatile: false, logger: createLogger('silent') }).verify();
    await expect(verify()).resolves.toEqual({ state: 'durable' });
    const last = cluster.nodes.at(-1)!;
    await redisCommand(last.port, 'CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const refused = await verify().catch((error: unknown) => error as Error);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toContain(`on 127.0.0.1:${last.port} maxmemory-policy is allkeys-lru, which evicts keys`);
      for (const other of cluster.nodes.slice(0, -1)) expect((refused as Error).message).not.toContain(`:${other.port} `);
    } finally {
      await redisCommand(last.port, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('keeps guild bindings, OAuth states and DM bursts with their multi-key commands', async () => {
    const bindings = new GuildBindingStore(cache, createKeyspace(config.redis.prefix).identity);
    const guilds = ['223456789012345601', '223456789012345602', '223456789012345603'];
    for (const id of guilds) await bindings.set(binding(id));
    expect((await bindings.guildsForCompany(chicago)).map((b) => b.guildId).sort()).toEqual(guilds);
    await bindings.delete(guilds[0]!);
    expect((await bindings.all()).map((b) => b.guildId).sort()).toEqual(guilds.slice(1));

    const states = new OAuthStateStore(cache, createKeyspace(config.redis.prefix).identity);
    const token = await states.create({ discordUserId: guilds[1]!, guildId: null, companyId: chicago, interactionToken: null });
    expect((await states.consume(token)).ok).toBe(true);
    expect(await states.consume(token)).toEqual({ ok: false, reason: 'expired_or_used' });

    const bursts = new BurstBuffer(cache, createKeyspace(config.redis.prefix).notes);
    const user = '323456789012345601';
    const now = Date.now();
    const first = await bursts.append(user, { messageId: '423456789012345601', text: 'Met the Prince', attachments: [], at: now }, 4_000);
    const second = await bursts.append(user, { messageId: '423456789012345602', text: 'at Elysium', attachments: [], at: now + 100 }, 4_000);
    expect(second.burstId).toBe(first.burstId);
    expect((await bursts.seal(user, first.burstId)).map((part) => part.text)).toEqual(['Met the Prince', 'at Elysium']);
  });

  it('delivers a queued message once through BullMQ on the cluster', async () => {
    const guild = sim.addGuild({ name: 'Cluster table' });
    const message = { content: 'Mara gained 5 XP' };
    await Promise.all([1, 2, 3].map(() => deliveries.enqueue('xp-audit:cluster', { kind: 'channel', channelId: guild.defaultChannelId, message })));
    const posted = await sim.waitForMessage({ channelId: guild.defaultChannelId, timeoutMs: 10_000 });
    expect(posted.content).toBe('Mara gained 5 XP');
    await waitForIdle([deliveries.queue]); // no job left that could post a duplicate
    expect(sim.channelMessages(guild.defaultChannelId)).toHaveLength(1);
  });

  it('refuses the same transactions under an untagged prefix (why the prefix is tagged)', async () => {
    const untagged = new GuildBindingStore(cache, createKeyspace('cluster-test').identity);
    await expect(untagged.set(binding('223456789012345609'))).rejects.toThrow(/same slot/i);
  });
});
