/**
 * The welcome of a joined server is claimed once in Redis: two gateway sessions that both see the
 * same join (two processes on one shard during a hand-over, a replayed event) queue one welcome
 * between them; a server seen anew long after it was joined is not welcomed.
 */
import type { Client, Guild } from 'discord.js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import { GuildBindingStore } from '../../src/identity/guild-binding.js';
import { JOIN_WINDOW_MS, welcomeJoinedGuild } from '../../src/identity/guild-lifecycle.js';
import { createKeyspace } from '../../src/keyspace.js';
import { createLogger } from '../../src/logger.js';
import { createQueueConnection } from '../../src/queue/connection.js';
import { DeliveryQueue } from '../../src/queue/deliveries.js';
import { connectClient, startSim } from '../discord-sim/harness.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

describe('welcome of a joined server', () => {
  const prefix = uniquePrefix('welcome');
  let sim: DiscordSimulator;
  let clients: Client[];
  let redis: Redis;
  let queueConnection: Redis;
  let deliveries: DeliveryQueue;
  let deps: Parameters<typeof welcomeJoinedGuild>[1];

  beforeAll(async () => {
    sim = await startSim();
    redis = new Redis(redisUrl());
    queueConnection = createQueueConnection(redisUrl());
    const keys = createKeyspace(prefix);
    deliveries = new DeliveryQueue({ connection: queueConnection, prefix: keys.queuePrefix });
    deps = { redis, keys, bindings: new GuildBindingStore(redis, keys.identity), deliveries, logger: createLogger('silent') };
    // Two sessions on the same shard: both receive every GUILD_CREATE.
    clients = [await connectClient(sim), await connectClient(sim)];
  });
  afterAll(async () => {
    for (const client of clients ?? []) await client.destroy();
    await deliveries?.close();
    queueConnection?.disconnect();
    redis?.disconnect();
    await sim?.close();
  });

  it('queues one welcome however many sessions see the join', async () => {
    const outcomes = clients.map(
      (client) =>
        new Promise<{ guild: Guild; outcome: string }>((resolve) =>
          client.once('guildCreate', (guild) => void welcomeJoinedGuild(guild, deps).then((outcome) => resolve({ guild, outcome }))),
        ),
    );
    const added = sim.addGuild({ name: 'Seen twice' });
    const results = await Promise.all(outcomes);
    expect(results.map((r) => r.outcome).sort()).toEqual(['claimed', 'sent']);
    const jobs = await deliveries.queue.getJobs(['waiting', 'delayed', 'prioritized', 'active', 'completed']);
    expect(jobs.map((job) => job.data)).toEqual([
      { kind: 'channel', channelId: added.defaultChannelId, message: { content: expect.stringContaining('**Seen twice**') as string, allowed_mentions: { parse: [] } } },
    ]);

    // The same join seen again later (a third process, a restart that took it for new) is still claimed.
    const guild = results[0]!.guild;
    expect(await welcomeJoinedGuild(guild, deps)).toBe('claimed');
    // A server seen anew long after it was joined is no join at all.
    expect(await welcomeJoinedGuild(guild, deps, guild.joinedTimestamp + JOIN_WINDOW_MS + 1)).toBe('not-fresh');
    expect(await deliveries.queue.getJobCountByTypes('waiting', 'delayed', 'prioritized', 'active', 'completed')).toBe(1);
  });
});
