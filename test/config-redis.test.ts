/** REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES: which Redis the bot talks to, and how it is told about a mistake. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { clusterOptions, sentinelOptions } from '../src/redis.js';

const base = {
  DISCORD_TOKEN: 'bot-token-secret',
  DISCORD_CLIENT_ID: '123456789012345678',
  DISCORD_CLIENT_SECRET: 'oauth-secret',
  PUBLIC_URL: 'https://bot.example.org',
  VALENTINA_API_KEY: 'api-key-secret',
};

const errorOf = (env: Record<string, string>): string => {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a configuration error');
};

describe('Redis configuration', () => {
  it('keeps a single Redis at REDIS_URL as the default', () => {
    expect(loadConfig({ ...base, REDIS_URL: 'rediss://:pw@redis.internal:6380/2', REDIS_PREFIX: 'prod' }).redis).toEqual({
      mode: 'standalone',
      url: 'rediss://:pw@redis.internal:6380/2',
      prefix: 'prod',
    });
  });

  it('finds the primary through sentinels, with the data nodes’ credentials in their own variables', () => {
    const config = loadConfig({
      ...base,
      REDIS_SENTINELS: 'sentinel-a:26379, sentinel-b,[fd00::3]:26380',
      REDIS_SENTINEL_NAME: 'mymaster',
      REDIS_SENTINEL_USERNAME: 'sentinel-user',
      REDIS_SENTINEL_PASSWORD: 'sentinel-secret',
      REDIS_USERNAME: 'bot',
      REDIS_PASSWORD: 'data-secret',
      REDIS_DB: '3',
      REDIS_TLS: 'true',
    });
    expect(config.redis).toEqual({
      mode: 'sentinel',
      prefix: 'vbot',
      sentinels: [
        { host: 'sentinel-a', port: 26379 },
        { host: 'sentinel-b', port: 26379 },
        { host: 'fd00::3', port: 26380 },
      ],
      name: 'mymaster',
      sentinelUsername: 'sentinel-user',
      sentinelPassword: 'sentinel-secret',
      username: 'bot',
      password: 'data-secret',
      db: 3,
      tls: true,
    });
    if (config.redis.mode !== 'sentinel') throw new Error('unreachable');
    expect(sentinelOptions(config.redis)).toMatchObject({
      sentinels: config.redis.sentinels,
      name: 'mymaster',
      sentinelUsername: 'sentinel-user',
      sentinelPassword: 'sentinel-secret',
      password: 'data-secret',
      db: 3,
      tls: {},
      enableTLSForSentinelMode: true,
      sentinelTLS: {},
    });
  });

  it('puts every key of a cluster deployment in one hash slot by tagging the prefix', () => {
    const config = loadConfig({ ...base, REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2', REDIS_PREFIX: 'prod', REDIS_PASSWORD: 'data-secret' });
    expect(config.redis).toEqual({
      mode: 'cluster',
      prefix: '{prod}',
      nodes: [
        { host: '10.0.0.1', port: 7000 },
        { host: '10.0.0.2', port: 6379 },
      ],
      username: undefined,
      password: 'data-secret',
      tls: false,
    });
    if (config.redis.mode !== 'cluster') throw new Error('unreachable');
    const options = clusterOptions(config.redis, { maxRetriesPerRequest: null, lazyConnect: true });
    expect(options).toMatchObject({ lazyConnect: true, redisOptions: { maxRetriesPerRequest: null, password: 'data-secret' } });
    expect(options.redisOptions?.tls).toBeUndefined();
  });

  it.each([
    [{ REDIS_SENTINELS: 'a:26379', REDIS_CLUSTER_NODES: 'b:6379', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS and REDIS_CLUSTER_NODES exclude each other: set one, or neither for a single Redis at REDIS_URL'],
    [{ REDIS_SENTINELS: 'a:26379' }, "REDIS_SENTINEL_NAME is required with REDIS_SENTINELS (the monitored primary's name)"],
    [{ REDIS_SENTINEL_NAME: 'mymaster' }, 'REDIS_SENTINEL_NAME needs REDIS_SENTINELS'],
    [{ REDIS_SENTINEL_USERNAME: 'sentinel-user' }, 'REDIS_SENTINEL_USERNAME needs REDIS_SENTINELS'],
    [{ REDIS_CLUSTER_NODES: 'a:6379', REDIS_URL: 'redis://:hunter2@a:6379' }, "REDIS_URL cannot be combined with REDIS_CLUSTER_NODES; give the data nodes' credentials in REDIS_USERNAME and REDIS_PASSWORD"],
    [{ REDIS_PASSWORD: 'hunter2' }, 'REDIS_PASSWORD applies with REDIS_SENTINELS or REDIS_CLUSTER_NODES; a single Redis takes it in REDIS_URL'],
    [{ REDIS_CLUSTER_NODES: 'a:6379', REDIS_DB: '2' }, 'REDIS_DB must be 0 with REDIS_CLUSTER_NODES (a cluster has only database 0)'],
    [{ REDIS_CLUSTER_NODES: 'a:6379,b:99999' }, 'REDIS_CLUSTER_NODES must be a comma-separated list of host:port'],
    [{ REDIS_SENTINELS: 'a b:26379', REDIS_SENTINEL_NAME: 'm' }, 'REDIS_SENTINELS must be a comma-separated list of host:port'],
    [{ REDIS_CLUSTER_NODES: ' , ' }, 'REDIS_CLUSTER_NODES must be a comma-separated list of host:port'],
    [{ REDIS_CLUSTER_NODES: 'a', REDIS_TLS: 'yes' }, 'REDIS_TLS must be "true" or "false"'],
    [{ REDIS_SENTINELS: 'a', REDIS_SENTINEL_NAME: 'm', REDIS_DB: 'one' }, 'REDIS_DB must be a database number'],
    [{ REDIS_URL: 'http://:hunter2@redis:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
  ])('refuses %j in one line', (env, message) => {
    const error = errorOf(env);
    expect(error).toBe(`Configuration error: ${message}`);
    expect(error).not.toContain('hunter2');
  });
});
