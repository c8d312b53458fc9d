import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/discord/errors.js';
import { BUSY_MESSAGE, ExperienceLocks } from '../../src/experience/serialize.js';
import { createKeyspace } from '../../src/keyspace.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

const redis = new Redis(redisUrl());
const keys = createKeyspace(uniquePrefix('xp-lock')).experience;
const locks = new ExperienceLocks(redis);
afterAll(async () => {
  await redis.quit();
});

/** A read-modify-write like Valentina's: read, yield, write back. */
function recordWith(balance: { xp: number }) {
  return async (amount: number) => {
    const read = balance.xp;
    await new Promise((r) => setTimeout(r, 5));
    balance.xp = read + amount;
  };
}

describe('ExperienceLocks.oneAtATime', () => {
  it('loses no grant when many hit the same record at once', async () => {
    const balance = { xp: 0 };
    const grant = recordWith(balance);
    const key = keys.lock('company', 'mara', 'requiem');
    await Promise.all(Array.from({ length: 20 }, () => locks.oneAtATime(key, () => grant(1))));
    expect(balance.xp).toBe(20);
    expect(await redis.exists(key)).toBe(0);
  });

  it('keeps going after a failed change and releases the lock', async () => {
    const key = keys.lock('company', 'bastien', 'requiem');
    await expect(locks.oneAtATime(key, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(await locks.oneAtATime(key, () => Promise.resolve('next'))).toBe('next');
    expect(await redis.exists(key)).toBe(0);
  });

  it('waits for another process holding the record, and gives up with a clear answer', async () => {
    const key = keys.lock('company', 'celeste', 'requiem');
    await redis.set(key, 'another-process', 'PX', 150);
    expect(await locks.oneAtATime(key, () => Promise.resolve('after the other'), { waitMs: 2_000 })).toBe('after the other');

    await redis.set(key, 'stuck-process', 'PX', 5_000);
    const busy = locks.oneAtATime(key, () => Promise.resolve('never'), { waitMs: 100 });
    await expect(busy).rejects.toBeInstanceOf(UserError);
    await expect(busy).rejects.toThrow(BUSY_MESSAGE);
    expect(await redis.get(key)).toBe('stuck-process');
  });

  it('keeps the lock while a change takes longer than the lock lives, and frees it after', async () => {
    const key = keys.lock('company', 'nadia', 'requiem');
    let release!: () => void;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const slow = locks.oneAtATime(key, () => {
      started();
      return new Promise<void>((resolve) => (release = resolve));
    }, { lockMs: 500 });
    await running;
    const holder = await redis.get(key);
    // Three lifetimes of the lock later, it is still the same holder's (a lifetime long enough that a busy
    // machine's pauses do not outlast it).
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await redis.get(key)).toBe(holder);
    release();
    await slow;
    expect(await redis.exists(key)).toBe(0);
  });
});
