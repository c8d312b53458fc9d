/** The delivery queue against the Discord simulator and a real Redis: once, retried, never lost. */
import { REST } from '@discordjs/rest';
import type { Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { createQueueConnection, queuePrefix } from '../../src/queue/connection.js';
import { DeliveryQueue, startDeliveryWorker, type DeliveryJob, type DeliveryResult } from '../../src/queue/deliveries.js';
import { startDiscordSimulator, type DiscordSimulator } from '../../src/sandbox/discord-sim/index.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

describe('DeliveryQueue', () => {
  let sim: DiscordSimulator;
  let queue: DeliveryQueue;
  let worker: Worker<DeliveryJob, DeliveryResult>;
  const connections = [createQueueConnection(redisUrl()), createQueueConnection(redisUrl())];
  const prefix = queuePrefix(uniquePrefix('deliveries'));

  beforeAll(async () => {
    sim = await startDiscordSimulator({ botToken: 'delivery-bot', applicationId: '1180000000000000009' });
    const rest = new REST({ api: sim.apiUrl, version: '10', retries: 0 }).setToken('delivery-bot');
    queue = new DeliveryQueue({ connection: connections[0]!, prefix });
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
    await new Promise((r) => setTimeout(r, 300));
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
