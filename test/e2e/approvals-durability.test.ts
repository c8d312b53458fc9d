/**
 * Approval requests survive crashes: a bot killed (SIGKILL) between Discord creating the request and
 * the bot recording it posts it exactly once after a restart; jobs waiting while Redis restarts (AOF
 * on) are all posted once Redis and the bot are back.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalQueue, approvalJobId } from '../../src/approvals/queue.js';
import { createQueueConnection } from '../../src/queue/connection.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { freePort, startRedisServer, type RedisServerHandle } from '../../packages/sandbox/src/redis-server.js';
import { startRedisServerOnFreshPort } from '../support/ports.js';
import { startHoldingProxy, type HoldingProxy } from '../approvals/holding-proxy.js';
import { bindChicago, startStack, type Stack } from '../support/bot-process.js';
import { expireLocksOfKilledProcess } from '../support/queues.js';
import { createKeyspace } from '../../src/keyspace.js';

const { chicago } = FIXTURE_IDS.companies;

describe('approval requests across crashes', () => {
  let stack: Stack;
  let redis: RedisServerHandle;
  let proxy: HoldingProxy;
  let connection: Redis;
  let queue: ApprovalQueue;
  const dir = mkdtempSync(join(tmpdir(), 'vbot-approvals-aof-'));
  let nextDiscordId = 889000000000000000n;

  beforeAll(async () => {
    redis = await startRedisServerOnFreshPort({ appendOnly: true, dir });
    const simPort = await freePort();
    proxy = await startHoldingProxy(`http://127.0.0.1:${simPort}`);
    stack = await startStack({ redisUrl: redis.url, sim: { port: simPort }, env: { DISCORD_API_URL: `${proxy.url}/api` } });
    await bindChicago(stack);
    connection = createQueueConnection(redis.url);
    queue = new ApprovalQueue(connection, createKeyspace(stack.redis.prefix).queuePrefix);
  }, 60_000);
  afterAll(async () => {
    await queue?.close();
    connection?.disconnect();
    await stack?.close();
    await proxy?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const requestsFor = (discordId: string) =>
    stack.sim.channelMessages(stack.guild.defaultChannelId).filter((m) => m.embeds[0]?.fields?.some((f) => f.value.includes(`<@${discordId}>`)));
  /** Someone who signed up elsewhere and waits for approval. */
  const applicant = (username: string) => {
    const discordId = String((nextDiscordId += 1n));
    const user = stack.fake.store.createUser({
      company_id: chicago, username, email: `${username}@example.net`, role: 'UNAPPROVED',
      discord_profile: { id: discordId, username, global_name: null, avatar_id: null, discriminator: '0', email: `${username}@example.net`, verified: true },
    });
    return { userId: user.id, discordId };
  };
  const isRecorded = async (userId: string) =>
    (await stack.redis.client.hexists(createKeyspace(stack.redis.prefix).approvals.posted({ companyId: chicago, userId }), stack.guild.id)) === 1;

  it('posts a request exactly once when the bot is killed between posting and recording it', async () => {
    proxy.holdNext({ method: 'POST', path: new RegExp(`/channels/${stack.guild.defaultChannelId}/messages$`) });
    const { userId, discordId } = applicant('killed-midway');
    await queue.enqueue({ companyId: chicago, userId });
    // Discord has the message; the bot is still waiting for the answer.
    await expect.poll(() => proxy.held, { timeout: 15_000 }).toBe(1);
    expect(requestsFor(discordId)).toHaveLength(1);
    await stack.bot.stop('SIGKILL');
    proxy.releaseAll();
    expect(await isRecorded(userId)).toBe(false);

    // The killed process still holds the job; the restarted one takes it over once its lock ran out.
    expect(await expireLocksOfKilledProcess(queue.queue, connection)).toEqual([approvalJobId({ companyId: chicago, userId })]);
    await stack.bot.restart();
    await expect.poll(() => isRecorded(userId), { timeout: 40_000, interval: 50 }).toBe(true);
    expect(requestsFor(discordId)).toHaveLength(1);
  }, 60_000);

  it('loses no waiting request when Redis restarts with append-only persistence', async () => {
    await stack.bot.stop('SIGTERM');
    const waiting = ['aof-one', 'aof-two', 'aof-three', 'aof-four', 'aof-five'].map(applicant);
    for (const { userId } of waiting) await queue.enqueue({ companyId: chicago, userId });
    expect(await queue.queue.getWaitingCount()).toBeGreaterThanOrEqual(waiting.length);

    await redis.stop();
    redis = await startRedisServer({ appendOnly: true, dir, port: redis.port });
    await stack.bot.restart();
    const recorded = async () => (await Promise.all(waiting.map(({ userId }) => isRecorded(userId)))).filter(Boolean).length;
    await expect.poll(recorded, { timeout: 20_000, interval: 50 }).toBe(waiting.length);
    for (const { discordId } of waiting) expect(requestsFor(discordId)).toHaveLength(1);
    expect(stack.sim.violations).toEqual([]);
  }, 60_000);
});
