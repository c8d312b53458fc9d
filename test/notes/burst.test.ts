/** The burst buffer in a real Redis: messages of one burst stay together; a sealed burst takes no more. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BurstBuffer } from '../../src/notes/burst.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { createKeyspace } from '../../src/keyspace.js';

describe('BurstBuffer', () => {
  let redis: Redis;
  let buffer: BurstBuffer;
  beforeAll(() => {
    redis = new Redis(redisUrl());
    buffer = new BurstBuffer(redis, createKeyspace(uniquePrefix('notes')).notes);
  });
  afterAll(async () => {
    await redis.quit();
  });

  const msg = (id: string, text: string, at: number) => ({ messageId: id, text, attachments: [], at });
  const user = '400000000000000001';

  it('collects messages into the burst opened by the first one, and starts a new burst after sealing', async () => {
    const first = await buffer.append(user, msg('100000000000000001', 'one', 1_000), 60_000);
    const second = await buffer.append(user, msg('100000000000000002', 'two', 2_000), 60_000);
    expect(first).toEqual({ burstId: '100000000000000001', opened: true, first: 1_000 });
    expect(second).toEqual({ burstId: '100000000000000001', opened: false, first: 1_000 });
    expect(await buffer.open(user)).toEqual({ id: '100000000000000001', first: 1_000, last: 2_000 });
    expect((await buffer.seal(user, '100000000000000001')).map((p) => p.text)).toEqual(['one', 'two']);
    expect(await buffer.open(user)).toBeNull();
    const third = await buffer.append(user, msg('100000000000000003', 'three', 3_000), 60_000);
    expect(third.opened).toBe(true);
    expect((await buffer.seal(user, '100000000000000001')).map((p) => p.text)).toEqual(['one', 'two']);
    await buffer.discard('100000000000000001');
    expect(await buffer.seal(user, '100000000000000001')).toEqual([]);
  });

  it('opens a new burst when the open one is older than the maximum age', async () => {
    const other = '400000000000000002';
    await buffer.append(other, msg('200000000000000001', 'a', 0), 60_000);
    const late = await buffer.append(other, msg('200000000000000002', 'b', 61_000), 60_000);
    expect(late).toEqual({ burstId: '200000000000000002', opened: true, first: 61_000 });
    expect((await buffer.seal(other, '200000000000000001')).map((p) => p.text)).toEqual(['a']);
  });

  it('remembers bursts waiting for a company choice until they are taken', async () => {
    await buffer.awaitCompany(user, '100000000000000003');
    expect(await buffer.takeAwaiting(user)).toEqual(['100000000000000003']);
    expect(await buffer.takeAwaiting(user)).toEqual([]);
  });
});
