/**
 * The built bot on a real Redis Cluster (three primaries), configured only with REDIS_CLUSTER_NODES:
 * it reports ready, answers /ping, an XP grant's audit record goes through the delivery queue on the
 * cluster and is posted once, and it shuts down cleanly. Run `npm run build` first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimMessage } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { startRedisCluster, type RedisClusterHandle } from '../../packages/sandbox/src/redis-topology.js';
import { bindChicago, startStack, type Stack } from '../support/bot-process.js';
import { waitForIdleQueues } from '../support/queues.js';

const main = FIXTURE_IDS.campaigns.main;

describe('the bot on a Redis Cluster', () => {
  let cluster: RedisClusterHandle;
  let stack: Stack;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    stack = await startStack({ redisEnv: { REDIS_CLUSTER_NODES: cluster.startupNodes.map((node) => `${node.host}:${node.port}`).join(',') } });
    // The binding is written as /setup would, through the same configuration the bot reads.
    await bindChicago(stack, { ...MAIN_CAMPAIGN_AS_DEFAULT, auditChannelId: stack.guild.defaultChannelId });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    await cluster?.stop();
  });

  it('reports ready with Redis answering through the cluster, and answers /ping', async () => {
    const response = await fetch(`${stack.bot.opsUrl}/readyz`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { checks: Record<string, string> }).checks.redis).toBe('ok');
    const reply = await (await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'ping' })).reply();
    expect(reply.content).toContain('Pong');
  });

  it('grants XP and posts its audit record once through the delivery queue', async () => {
    const before = stack.fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current ?? 0;
    const reason = 'Scene on the cluster';
    const reply = await (
      await stack.sim.slashCommand({ user: stack.users.celeste, guildId: stack.guild.id, command: 'xp', subcommand: 'add', options: { user: stack.users.mara.id, amount: 2, reason } })
    ).reply();
    expect(reply.embeds[0]?.title).toContain('+2 XP');
    const isAudit = (m: SimMessage) => m.interactionId === null && m.embeds.some((e) => e.fields?.some((f) => f.value === reason));
    await stack.sim.waitForMessage({ channelId: stack.guild.defaultChannelId, predicate: isAudit, timeoutMs: 10_000 });
    expect(stack.fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current).toBe(before + 2);
    await waitForIdleQueues(stack.redis.client, stack.redis.prefix); // no job left that could post a duplicate
    expect(stack.sim.channelMessages(stack.guild.defaultChannelId).filter(isAudit)).toHaveLength(1);
    expect(stack.sim.violations).toEqual([]);
    expect(stack.bot.logs.filter((line) => /CROSSSLOT|same slot|MOVED/i.test(line))).toEqual([]);
  });

  it('closes its cluster connections and exits 0 within 5 seconds on SIGTERM', async () => {
    const exit = await stack.bot.stop('SIGTERM');
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(5_000);
  });
});
