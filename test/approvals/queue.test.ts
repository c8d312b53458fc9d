/** The approval queue and decision lock against a real Redis. */
import type { Redis } from 'ioredis';
import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDecision } from '../../src/approvals/decision-lock.js';
import { ApprovalQueue, approvalJobId } from '../../src/approvals/queue.js';
import { createQueueConnection } from '../../src/queue/connection.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { createKeyspace } from '../../src/keyspace.js';

const companyId = '0197e3d0-0000-7000-8000-000000000001';
const otherCompany = '0197e3d0-0000-7000-8000-000000000002';
const userId = '0197e3d0-0000-7000-8000-0000000000ff';

describe('ApprovalQueue', () => {
  const connection: Redis = createQueueConnection(redisUrl());
  const queue = new ApprovalQueue(connection, createKeyspace(uniquePrefix('approvals')).queuePrefix);
  afterAll(async () => {
    await queue.close();
    connection.disconnect();
  });

  it('holds one job per company and user however often it is enqueued', async () => {
    await Promise.all([1, 2, 3].map(() => queue.enqueue({ companyId, userId })));
    await queue.enqueue({ companyId: otherCompany, userId });
    expect(await queue.queue.getWaitingCount()).toBe(2);
    expect((await queue.queue.getJob(approvalJobId({ companyId, userId })))?.data).toEqual({ companyId, userId });
  });

  it('refuses malformed requests before they reach Redis', async () => {
    await expect(queue.enqueue({ companyId: 'not-a-uuid', userId })).rejects.toThrow();
  });

  it('lists failed requests per company and replaces them on re-post with a new generation', async () => {
    const workerConnection = createQueueConnection(redisUrl());
    const worker = new Worker(queue.queue.name, async () => {
      throw new UnrecoverableError('Discord 403: Missing Permissions');
    }, { connection: workerConnection, prefix: queue.queue.opts.prefix });
    await expect.poll(() => queue.queue.getFailedCount(), { timeout: 5_000 }).toBe(2);
    await worker.close();
    workerConnection.disconnect();
    expect(await queue.failed(companyId)).toEqual([expect.objectContaining({ userId, reason: 'Discord 403: Missing Permissions' })]);
    expect((await queue.failed(otherCompany)).map((f) => f.userId)).toEqual([userId]);
    expect(await queue.repost({ companyId, userId }, '1234567890')).toBe('queued');
    const replaced = await queue.queue.getJob(approvalJobId({ companyId, userId }));
    expect(await replaced!.getState()).toBe('waiting');
    expect(replaced!.data).toEqual({ companyId, userId, generation: '1234567890' });
    expect(await queue.failed(companyId)).toEqual([]);
  });
});

describe('acquireDecision', () => {
  const redis: Redis = createQueueConnection(redisUrl());
  const key = `${uniquePrefix('decision')}:approval-decision:x`;
  afterAll(() => redis.disconnect());

  it('lets one of two simultaneous deciders win; the other learns the outcome', async () => {
    const attempt = async () => {
      const result = await acquireDecision(redis, key, { waitMs: 3_000, pollMs: 20 });
      if (result.ok) {
        await new Promise((r) => setTimeout(r, 50));
        await result.lock.settle('Approved as player by <@1>');
      }
      return result;
    };
    const results = await Promise.all([attempt(), attempt()]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, state: { state: 'decided', summary: 'Approved as player by <@1>' } });
  });

  it('hands the request to a waiting clicker when the first one is refused', async () => {
    const fresh = `${key}:2`;
    const first = await acquireDecision(redis, fresh);
    expect(first.ok).toBe(true);
    const waiting = acquireDecision(redis, fresh, { waitMs: 3_000, pollMs: 20 });
    await new Promise((r) => setTimeout(r, 100));
    if (first.ok) await first.lock.release();
    expect((await waiting).ok).toBe(true);
  });

  it('releases only its own lock', async () => {
    const fresh = `${key}:3`;
    const first = await acquireDecision(redis, fresh);
    await redis.del(fresh);
    const second = await acquireDecision(redis, fresh);
    if (first.ok) await first.lock.release();
    expect(second.ok).toBe(true);
    expect(await acquireDecision(redis, fresh, { waitMs: 0 })).toMatchObject({ ok: false, state: { state: 'deciding' } });
  });
});
