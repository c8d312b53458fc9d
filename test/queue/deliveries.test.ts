/**
 * The delivery queue against the Discord simulator and a real Redis: once, retried, never lost; and
 * deliveries that failed for good are kept for inspection within bounds.
 */
import { REST } from '@discordjs/rest';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalQueue } from '../../src/approvals/queue.js';
import { createLogger } from '../../src/logger.js';
import { createQueueConnection, KEEP_FAILED_JOBS } from '../../src/queue/connection.js';
import { createNotesQueue } from '../../src/notes/queue.js';
import { DeliveryQueue, startDeliveryWorker, type DeliveryJob, type DeliveryResult } from '../../src/queue/deliveries.js';
import { startDiscordSimulator, type DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { createKeyspace } from '../../src/keyspace.js';
import { waitForIdle } from '../support/queues.js';

describe('DeliveryQueue', () => {
  let sim: DiscordSimulator;
  let queue: DeliveryQueue;
  let worker: Worker<DeliveryJob, DeliveryResult>;
  const connections = [createQueueConnection(redisUrl()), createQueueConnection(redisUrl())];
  const prefix = createKeyspace(uniquePrefix('deliveries')).queuePrefix;

  beforeAll(async () => {
    sim = await startDiscordSimulator({ botToken: 'delivery-bot', applicationId: '1180000000000000009' });
    const rest = new REST({ api: sim.apiUrl, version: '10', retries: 0 }).setToken('delivery-bot');
    // Retries after 20 ms, 40 ms… instead of 1 s, 2 s…: the same retries, without the wait (the default is
    // checked under "every queue").
    queue = new DeliveryQueue({ connection: connections[0]!, prefix, retryDelayMs: 20 });
    worker = startDeliveryWorker({ connection: connections[1]!, prefix, rest, logger: createLogger('silent') });
  });
  afterAll(async () => {
    await worker.close();
    await queue.close();
    for (const c of connections) c.disconnect();
    await sim.close();
  });

  it('posts a channel message once however often the same delivery is enqueued', async () => {
    const guild = sim.addGuild({ name: 'Table' });
    const message = { embeds: [{ title: 'Mara gained 5 XP' }] };
    await Promise.all([1, 2, 3].map(() => queue.enqueue('xp-audit:111', { kind: 'channel', channelId: guild.defaultChannelId, message })));
    const posted = await sim.waitForMessage({ channelId: guild.defaultChannelId });
    expect(posted.embeds[0]?.title).toBe('Mara gained 5 XP');
    await waitForIdle([queue.queue]); // no job left that could post a duplicate
    expect(sim.channelMessages(guild.defaultChannelId)).toHaveLength(1);
  });

  it('opens a DM and retries through Discord failures', async () => {
    const user = sim.addUser({ username: 'nadia' });
    sim.faults.inject({ method: 'POST', path: /\/channels\/\d+\/messages$/, status: 503, times: 2 });
    await queue.enqueue('approval-dm:nadia', { kind: 'dm', userId: user.id, message: { content: 'You were approved!' } });
    const dm = await sim.waitForMessage({ dmUserId: user.id, timeoutMs: 15_000 });
    expect(dm.content).toBe('You were approved!');
    expect(sim.dmMessages(user.id)).toHaveLength(1);
  });

  it('keeps a delivery Discord refuses for good in the failed set instead of retrying forever', async () => {
    const guild = sim.addGuild({ name: 'Locked' });
    sim.setChannelPermissions(guild.defaultChannelId, { botCanSend: false });
    await queue.enqueue('xp-audit:locked', { kind: 'channel', channelId: guild.defaultChannelId, message: { content: 'hidden' } });
    await expect
      .poll(async () => (await queue.queue.getFailed()).map((job) => job.id), { timeout: 10_000 })
      .toContain('xp-audit_locked');
    const failed = (await queue.queue.getFailed()).find((job) => job.id === 'xp-audit_locked');
    expect(failed?.attemptsMade).toBe(1);
  });
});

describe('failed deliveries', () => {
  let sim: DiscordSimulator;
  let queue: DeliveryQueue;
  let worker: Worker<DeliveryJob, DeliveryResult>;
  const connections = [createQueueConnection(redisUrl()), createQueueConnection(redisUrl())];
  const prefix = createKeyspace(uniquePrefix('deliveries-trim')).queuePrefix;
  /** Ids of the deliveries that failed for good, in the order they failed. */
  const failedIds: string[] = [];

  beforeAll(async () => {
    sim = await startDiscordSimulator({ botToken: 'delivery-bot', applicationId: '1180000000000000009' });
    const rest = new REST({ api: sim.apiUrl, version: '10', retries: 0 }).setToken('delivery-bot');
    // Small bounds, so a handful of failures shows the trimming the defaults do at 1,000 jobs or a week.
    queue = new DeliveryQueue({ connection: connections[0]!, prefix, keepFailed: { count: 3, age: 3600 } });
    worker = startDeliveryWorker({ connection: connections[1]!, prefix, rest, logger: createLogger('silent'), concurrency: 1 });
    worker.on('failed', (job) => job?.id && failedIds.push(job.id));
  });
  afterAll(async () => {
    await worker.close();
    await queue.close();
    for (const c of connections) c.disconnect();
    await sim.close();
  });

  /** Enqueues deliveries to a channel the bot may not post in, and waits until each has failed for good. */
  async function failDeliveries(label: string, n: number): Promise<string[]> {
    const guild = sim.addGuild({ name: `Locked ${label}` });
    sim.setChannelPermissions(guild.defaultChannelId, { botCanSend: false });
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      await queue.enqueue(`xp-audit:${label}-${i}`, { kind: 'channel', channelId: guild.defaultChannelId, message: { content: 'hidden' } });
      ids.push(`xp-audit_${label}-${i}`);
    }
    await expect.poll(() => ids.every((id) => failedIds.includes(id)), { timeout: 15_000 }).toBe(true);
    return ids;
  }

  it('keeps only the newest failed deliveries beyond the count', async () => {
    await failDeliveries('count', 8);
    const kept = (await queue.queue.getFailed()).map((job) => job.id).sort();
    expect(kept).toEqual(failedIds.slice(-3).sort());
    expect(await queue.queue.getFailedCount()).toBe(3);
    // Trimmed jobs are gone with their data, not only from the failed list.
    for (const id of failedIds.slice(0, -3)) expect(await queue.queue.getJob(id)).toBeUndefined();
  });

  it('drops failed deliveries older than the age when another one fails', async () => {
    await failDeliveries('aged', 3); // the newest three failures, whichever test ran before
    const old = (await queue.queue.getFailed()).map((job) => job.id!);
    expect(old).toHaveLength(3);
    // Back-date the kept failures by two hours (the failed set is ordered by when each job finished).
    const twoHoursAgo = Date.now() - 2 * 3600_000;
    const failedKey = queue.queue.toKey('failed');
    for (const id of old) await connections[0]!.zadd(failedKey, 'XX', twoHoursAgo, id);

    const [fresh] = await failDeliveries('age', 1);
    expect((await queue.queue.getFailed()).map((job) => job.id)).toEqual([fresh]);
    for (const id of old) expect(await queue.queue.getJob(id)).toBeUndefined();
  });
});

describe('every queue', () => {
  it('keeps a bounded number of failed jobs for a bounded time', async () => {
    const connection = createQueueConnection(redisUrl(), { lazyConnect: true });
    const prefix = createKeyspace(uniquePrefix('keep')).queuePrefix;
    const notes = createNotesQueue(connection, prefix);
    const queues = [new DeliveryQueue({ connection, prefix }).queue, new ApprovalQueue(connection, prefix).queue, notes];
    try {
      expect(KEEP_FAILED_JOBS).toEqual({ age: 7 * 24 * 3600, count: 1_000 });
      for (const queue of queues.slice(0, 2)) expect(queue.defaultJobOptions.removeOnFail).toEqual(KEEP_FAILED_JOBS);
      // A delivery is tried 8 times, waiting 1 s, 2 s, 4 s… in between (about 2 minutes in all).
      expect(queues[0]!.defaultJobOptions).toMatchObject({ attempts: 8, backoff: { type: 'exponential', delay: 1_000 } });
      // A failed burst holds the text of a note: kept two weeks, as many at most.
      expect(notes.defaultJobOptions.removeOnFail).toEqual({ age: 14 * 24 * 3600, count: 1_000 });
    } finally {
      for (const queue of queues) await queue.close();
      connection.disconnect();
    }
  });
});
