/** The shard lease against a real Redis: one holder per shard, the same SHARD_COUNT for all, prompt hand-over. */
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { ShardLease } from '../../src/discord/shard-lease.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';
import { createKeyspace } from '../../src/keyspace.js';

const APP = '1180000000000000001';
const redis = new Redis(redisUrl());
afterAll(() => redis.quit());

const lease = (prefix: string, shardIds: number[], shardCount: number) =>
  new ShardLease({ redis, keys: createKeyspace(prefix).gateway, applicationId: APP, shardIds, shardCount, logger: createLogger('silent') });

describe('the shard lease', () => {
  it('lets one process hold a shard; another waits and gets it as soon as it is released', async () => {
    const prefix = uniquePrefix('lease');
    const first = lease(prefix, [0], 1);
    const second = lease(prefix, [0], 1);
    expect(await first.tryAcquire()).toBeUndefined();
    expect(await second.tryAcquire()).toMatchObject({ kind: 'shard', shardId: 0, holder: first.owner });

    const acquired = second.acquire();
    await expect.poll(() => second.waiting).toBe(true);
    await first.release();
    expect(await acquired).toBe(true);
    expect(await redis.get(`${prefix}:gateway:${APP}:shard:0`)).toBe(second.owner);
    await second.close();
    expect(await redis.get(`${prefix}:gateway:${APP}:shard:0`)).toBeNull();
  });

  it('runs disjoint shards side by side, and holds back a process with another SHARD_COUNT', async () => {
    const prefix = uniquePrefix('lease');
    const shard0 = lease(prefix, [0], 2);
    const shard1 = lease(prefix, [1], 2);
    expect(await shard0.tryAcquire()).toBeUndefined();
    expect(await shard1.tryAcquire()).toBeUndefined();
    // Unsharded (shard 0 of 1) overlaps both; shard 2 of 3 holds no key in common but covers the same guilds.
    expect(await lease(prefix, [0], 1).tryAcquire()).toMatchObject({ kind: 'count', shardCount: 2 });
    expect(await lease(prefix, [2], 3).tryAcquire()).toMatchObject({ kind: 'count', shardCount: 2 });
    await shard0.close();
    await shard1.close();
    expect(await lease(prefix, [2], 3).tryAcquire()).toBeUndefined();
  });

  it('ends a wait on close, without taking the shard', async () => {
    const prefix = uniquePrefix('lease');
    const holder = lease(prefix, [0], 1);
    await holder.tryAcquire();
    const waiter = lease(prefix, [0], 1);
    const acquired = waiter.acquire();
    await expect.poll(() => waiter.waiting).toBe(true);
    await waiter.close();
    expect(await acquired).toBe(false);
    expect(await redis.get(`${prefix}:gateway:${APP}:shard:0`)).toBe(holder.owner);
  });

  it('takes over at once from a holder on this host whose process is gone', async () => {
    const prefix = uniquePrefix('lease');
    const namespace = readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
    const dead = `${hostname()}#4194303#${namespace}#deadbeef`;
    await redis.set(`${prefix}:gateway:${APP}:shard:0`, dead, 'PX', 10_000);
    const next = lease(prefix, [0], 1);
    expect(await next.tryAcquire()).toBeUndefined();
    // A holder elsewhere (or alive) is waited for.
    await redis.set(`${prefix}:gateway:${APP}:shard:1`, `elsewhere#4194303#${namespace}#cafe`, 'PX', 10_000);
    expect(await lease(prefix, [1], 1).tryAcquire()).toMatchObject({ kind: 'shard', shardId: 1 });
  });

  it('tells the holder when another process took its shard', async () => {
    const prefix = uniquePrefix('lease');
    const holder = lease(prefix, [0], 1);
    await holder.tryAcquire();
    const lost = new Promise<number>((resolve) => holder.keepRenewing(resolve));
    await redis.set(`${prefix}:gateway:${APP}:shard:0`, 'someone-else', 'PX', 10_000);
    expect(await lost).toBe(0);
    await holder.close();
  });
});
