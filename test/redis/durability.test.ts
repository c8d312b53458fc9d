/**
 * The start-up durability decision: which Redis settings lose the bot's data, what the operator is
 * told, and how a node is read — CONFIG GET, or INFO where a managed Redis disabled CONFIG.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createRedisConnection } from '../../src/redis.js';
import { durabilityProblems, judgeDurability, readNode, RedisDurabilityCheck, RedisDurabilityError, type NodeDurability } from '../../src/redis-durability.js';
import type { RedisServerHandle } from '../../packages/sandbox/src/redis-server.js';
import { startRedisServerOnFreshPort } from '../support/ports.js';

const node = (facts: Partial<NodeDurability>): NodeDurability => ({ node: '127.0.0.1:6379', appendonly: true, snapshots: false, maxmemoryPolicy: 'noeviction', ...facts });

describe('which Redis keeps the bot\'s data', () => {
  it('accepts AOF or RDB snapshots with noeviction', () => {
    expect(durabilityProblems(node({}))).toEqual([]);
    expect(durabilityProblems(node({ appendonly: false, snapshots: true }))).toEqual([]);
    expect(durabilityProblems(node({ appendonly: true, snapshots: null }))).toEqual([]);
    expect(judgeDurability([node({})], false)).toEqual({ state: 'durable' });
  });

  it('refuses no persistence, and persistence it cannot confirm', () => {
    expect(durabilityProblems(node({ appendonly: false, snapshots: false }))).toEqual(['persistence is off (appendonly no, save "")']);
    expect(durabilityProblems(node({ appendonly: false, snapshots: null }))[0]).toContain('RDB snapshots cannot be confirmed');
    expect(durabilityProblems(node({ appendonly: null, snapshots: null }))[0]).toContain('cannot be read');
  });

  it('refuses every evicting policy, volatile-* included (the bot\'s locks carry TTLs)', () => {
    for (const policy of ['allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl']) {
      expect(durabilityProblems(node({ maxmemoryPolicy: policy }))).toEqual([`maxmemory-policy is ${policy}, which evicts keys`]);
    }
    expect(durabilityProblems(node({ maxmemoryPolicy: null }))).toEqual(['its maxmemory-policy cannot be read']);
  });

  it('says in one line what is wrong where, how to fix it, and the override', () => {
    const verdict = judgeDurability([node({ node: 'a:1' }), node({ node: 'b:2', appendonly: false, maxmemoryPolicy: 'allkeys-lru' })], false);
    expect(verdict).toMatchObject({ state: 'volatile', allowed: false });
    if (verdict.state !== 'volatile') throw new Error('expected volatile');
    expect(verdict.message).toBe(
      'Redis may lose the bot\'s data: on b:2 persistence is off (appendonly no, save ""); maxmemory-policy is allkeys-lru, which evicts keys. ' +
        'Fix: run Redis with appendonly yes (or RDB save points) and maxmemory-policy noeviction, or set REDIS_ALLOW_VOLATILE=true to start anyway.',
    );
    expect(verdict.message).not.toContain('\n');
    const policyOnly = judgeDurability([node({ maxmemoryPolicy: 'volatile-ttl' })], true);
    expect(policyOnly).toMatchObject({ state: 'volatile', allowed: true });
    expect(policyOnly.state === 'volatile' && policyOnly.message).toContain('Fix: run Redis with maxmemory-policy noeviction, or set');
  });

  it('reads REDIS_ALLOW_VOLATILE as true or false only', () => {
    const base = { DISCORD_TOKEN: 't', DISCORD_CLIENT_ID: '1180000000000000001', DISCORD_CLIENT_SECRET: 's', VALENTINA_API_KEY: 'k', PUBLIC_URL: 'https://bot.example.org' };
    expect(loadConfig(base).redisAllowVolatile).toBe(false);
    expect(loadConfig({ ...base, REDIS_ALLOW_VOLATILE: 'true' }).redisAllowVolatile).toBe(true);
    expect(() => loadConfig({ ...base, REDIS_ALLOW_VOLATILE: 'yes' })).toThrow('Configuration error: REDIS_ALLOW_VOLATILE must be "true" or "false"');
  });
});

describe('reading a real redis-server', () => {
  let managed: RedisServerHandle;
  let volatile: RedisServerHandle;
  beforeAll(async () => {
    // A managed Redis that renamed CONFIG away, and one that keeps nothing.
    [managed, volatile] = await Promise.all([
      startRedisServerOnFreshPort({ args: ['--rename-command', 'CONFIG', ''] }),
      startRedisServerOnFreshPort({ appendOnly: false, args: ['--maxmemory-policy', 'volatile-lru'] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([managed?.stop(), volatile?.stop()]);
  });

  const read = async (server: RedisServerHandle) => {
    const client = new Redis(server.url);
    try {
      return await readNode(client, `127.0.0.1:${server.port}`);
    } finally {
      client.disconnect();
    }
  };

  it('uses CONFIG GET where it is allowed', async () => {
    expect(await read(volatile)).toEqual({ node: `127.0.0.1:${volatile.port}`, appendonly: false, snapshots: false, maxmemoryPolicy: 'volatile-lru' });
  });

  it('falls back to INFO where CONFIG is disabled', async () => {
    expect(await read(managed)).toEqual({ node: `127.0.0.1:${managed.port}`, appendonly: true, snapshots: null, maxmemoryPolicy: 'noeviction' });
  });

  it('refuses or allows through the check the app runs, reporting it for /readyz', async () => {
    const config = (allow: boolean) => ({ ...loadConfig({ DISCORD_TOKEN: 't', DISCORD_CLIENT_ID: '1180000000000000001', DISCORD_CLIENT_SECRET: 's', VALENTINA_API_KEY: 'k', PUBLIC_URL: 'https://bot.example.org', REDIS_URL: volatile.url }), redisAllowVolatile: allow });
    for (const allow of [false, true]) {
      const connection = createRedisConnection(config(allow).redis, 'cache');
      try {
        const check = new RedisDurabilityCheck({ connection, settings: config(allow).redis, allowVolatile: allow, logger: createLogger('silent') });
        expect(await check.readiness()).toBe('not checked yet');
        if (!allow) {
          await expect(check.verify()).rejects.toBeInstanceOf(RedisDurabilityError);
        } else {
          await check.verify();
          expect(await check.readiness()).toEqual({ note: expect.stringMatching(/^volatile: allowed by REDIS_ALLOW_VOLATILE \(on 127\.0\.0\.1:\d+ persistence is off/) as string });
        }
      } finally {
        connection.disconnect();
      }
    }
  });
});
