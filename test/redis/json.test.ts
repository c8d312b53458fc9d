import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseJson, readJson } from '../../src/redis.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

const Shape = z.object({ id: z.string(), n: z.number().int() });

describe('stored JSON read through a schema', () => {
  it('gives the value when it is JSON of the shape, and null for nothing, broken JSON or another shape', () => {
    expect(parseJson('{"id":"a","n":2}', Shape)).toEqual({ id: 'a', n: 2 });
    expect(parseJson(null, Shape)).toBeNull();
    expect(parseJson(undefined, Shape)).toBeNull();
    expect(parseJson('{"id":"a","n":', Shape)).toBeNull();
    expect(parseJson('{"id":"a","n":2.5}', Shape)).toBeNull();
  });

  const redis = new Redis(redisUrl(), { maxRetriesPerRequest: 1 });
  afterAll(async () => {
    await redis.quit();
  });

  it('reads a key of a real Redis the same way: a corrupted value is null, never an exception', async () => {
    const key = `${uniquePrefix('json')}:value`;
    expect(await readJson(redis, key, Shape)).toBeNull();
    await redis.set(key, JSON.stringify({ id: 'x', n: 1 }), 'EX', 60);
    expect(await readJson(redis, key, Shape)).toEqual({ id: 'x', n: 1 });
    await redis.set(key, 'not json', 'EX', 60);
    expect(await readJson(redis, key, Shape)).toBeNull();
  });
});
