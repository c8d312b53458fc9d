import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireLock, fillOnce, tryLock, withLock } from '../../src/redis-lock.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

const redis = new Redis(redisUrl());
const prefix = uniquePrefix('lock');
afterAll(async () => {
  await redis.quit();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Redis locks with owner tokens', () => {
  it('is held by one holder at a time and freed by its release', async () => {
    const key = `${prefix}:one`;
    const first = await tryLock(redis, key, 5_000);
    expect(first).not.toBeNull();
    expect(await tryLock(redis, key, 5_000)).toBeNull();
    expect(await first!.release()).toBe(true);
    expect(await redis.exists(key)).toBe(0);
    expect(await tryLock(redis, key, 5_000)).not.toBeNull();
  });

  it('never frees a lock someone else took after the first holder outlived its own', async () => {
    const key = `${prefix}:outlived`;
    const slow = await tryLock(redis, key, 50);
    await sleep(120);
    const next = await tryLock(redis, key, 5_000);
    expect(next).not.toBeNull();
    expect(await slow!.release()).toBe(false);
    expect(await slow!.renew(5_000)).toBe(false);
    expect(await redis.get(key)).toBe(next!.token);
  });

  it('keeps the lock while a slow action runs past its lifetime, then frees it', async () => {
    const key = `${prefix}:renewed`;
    let takenMeanwhile: unknown = 'not tried';
    // Three lifetimes long; a lifetime long enough that a busy machine's pauses do not outlast it.
    const result = await withLock(redis, key, { ttlMs: 500, waitMs: 0, busy: () => new Error('busy') }, async () => {
      await sleep(1_500);
      takenMeanwhile = await tryLock(redis, key, 1_000);
      return 'done';
    });
    expect(result).toBe('done');
    expect(takenMeanwhile).toBeNull();
    expect(await redis.exists(key)).toBe(0);
  });

  it('waits for the holder to let go, and says busy when it does not in time', async () => {
    const key = `${prefix}:wait`;
    const holder = await tryLock(redis, key, 5_000);
    setTimeout(() => void holder!.release(), 100);
    const waited = await acquireLock(redis, key, { ttlMs: 5_000, waitMs: 2_000 });
    expect(waited?.token).toBe(await redis.get(key));
    await expect(withLock(redis, key, { ttlMs: 5_000, waitMs: 100, busy: () => new Error('still busy') }, () => Promise.resolve('never'))).rejects.toThrow('still busy');
    expect(await waited!.release()).toBe(true);
  });

  it('frees the lock when the action fails', async () => {
    const key = `${prefix}:failed`;
    await expect(withLock(redis, key, { ttlMs: 5_000, waitMs: 0, busy: () => new Error('busy') }, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    expect(await redis.exists(key)).toBe(0);
  });
});

describe('fillOnce: a missing entry filled by one process', () => {
  it('waits for the filler and reads what it stored, then lets the claim go', async () => {
    const claimKey = `${prefix}:fill-wait`;
    let stored: string | undefined;
    let release = () => undefined as void;
    const filler = fillOnce(redis, {
      claimKey,
      ttlMs: 5_000,
      read: () => Promise.resolve(stored),
      fill: async () => {
        await new Promise<void>((resolve) => (release = resolve));
        stored = 'from the filler';
        return stored;
      },
    });
    await expect.poll(() => redis.exists(claimKey)).toBe(1);
    let fills = 0;
    const waiter = fillOnce(redis, { claimKey, ttlMs: 5_000, read: () => Promise.resolve(stored), fill: () => Promise.resolve(`fill ${++fills}`) });
    release();
    expect(await Promise.all([filler, waiter])).toEqual(['from the filler', 'from the filler']);
    expect(fills).toBe(0);
    expect(await redis.exists(claimKey)).toBe(0);
  });

  it('does not fill what a fill that just ended stored (the caller missed it before the claim was let go)', async () => {
    let fills = 0;
    const value = await fillOnce(redis, { claimKey: `${prefix}:fill-late`, ttlMs: 5_000, read: () => Promise.resolve('stored'), fill: () => Promise.resolve(`fill ${++fills}`) });
    expect(value).toBe('stored');
    expect(fills).toBe(0);
  });

  it('fills in its turn when the filler failed', async () => {
    const claimKey = `${prefix}:fill-failed`;
    let release = () => undefined as void;
    const failing = fillOnce<string>(redis, {
      claimKey,
      ttlMs: 5_000,
      read: () => Promise.resolve(undefined),
      fill: async () => {
        await new Promise<void>((resolve) => (release = resolve));
        throw new Error('Valentina refused');
      },
    });
    await expect.poll(() => redis.exists(claimKey)).toBe(1);
    const waiter = fillOnce(redis, { claimKey, ttlMs: 5_000, read: () => Promise.resolve(undefined), fill: () => Promise.resolve('second try') });
    release();
    await expect(failing).rejects.toThrow('Valentina refused');
    expect(await waiter).toBe('second try');
  });
});
