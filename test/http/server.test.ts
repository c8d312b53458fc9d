/**
 * The HTTP endpoints of a running app (HTTP and worker roles: no Discord needed): on the ops port,
 * liveness, readiness against a real Redis and the fake Valentina, and metrics; on the public port,
 * the routes features mount and nothing an operator reads.
 */
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import type { RedisServerHandle } from '../../packages/sandbox/src/redis-server.js';
import { startRedisServerOnFreshPort } from '../support/ports.js';
import { json } from '../../src/http/server.js';
import { uniquePrefix } from '../support/redis.js';

let redis: RedisServerHandle;
let fake: FakeValentina;
let app: App;
let opsUrl: string;
let publicUrl: string;

beforeAll(async () => {
  redis = await startRedisServerOnFreshPort();
  fake = await startFakeValentina();
  const config = loadConfig({
    DISCORD_TOKEN: 'unused-token',
    DISCORD_CLIENT_ID: '1180000000000000001',
    DISCORD_CLIENT_SECRET: 'unused-secret',
    PUBLIC_URL: 'https://bot.example.org',
    VALENTINA_API_URL: fake.url,
    VALENTINA_API_KEY: fake.apiKey,
    REDIS_URL: redis.url,
    REDIS_PREFIX: uniquePrefix('http'),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    OPS_HTTP_PORT: '0',
    BOT_ROLES: 'http,worker',
    LOG_LEVEL: 'silent',
  });
  app = createApp(config, createLogger('silent'), { selfCheck: false });
  app.routes.add('GET', '/feature/echo', ({ url }) => json(200, { state: url.searchParams.get('state') }));
  await app.start();
  if (!app.http || !app.ops) throw new Error('the http role did not start its servers');
  publicUrl = app.http.url;
  opsUrl = app.ops.url;
});

afterAll(async () => {
  await app?.stop();
  await fake?.close();
  await redis?.stop();
});

async function get(path: string, baseUrl = opsUrl): Promise<{ status: number; type: string | null; text: string }> {
  const response = await fetch(`${baseUrl}${path}`);
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

describe('HTTP endpoints', () => {
  it('answers /healthz with 200 JSON', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(health.type).toMatch(/application\/json/);
    expect(JSON.parse(health.text)).toMatchObject({ status: 'ok' });
  });

  it('is ready when Redis and Valentina answer', async () => {
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toMatchObject({ status: 'ready', checks: { redis: 'ok', valentina: 'ok' } });
  });

  it('serves Prometheus metrics, counting Valentina requests by endpoint and status', async () => {
    await get('/readyz');
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.type).toMatch(/text\/plain/);
    expect(metrics.text).toMatch(/^# TYPE interactions_total counter$/m);
    expect(metrics.text).toMatch(/^# TYPE interaction_latency_seconds histogram$/m);
    expect(metrics.text).toMatch(/^valentina_requests_total\{[^}]*endpoint="GET \/health"[^}]*status="200"[^}]*\} [1-9]/m);
    // The worker role reports its delivery queue (empty here).
    expect(metrics.text).toMatch(/^queue_depth\{queue="deliveries"\} 0$/m);
    expect(metrics.text).not.toContain(fake.apiKey);
  });

  it('serves routes that features mount on the public port, and 404s the rest', async () => {
    const mounted = await get('/feature/echo?state=abc', publicUrl);
    expect(mounted.status).toBe(200);
    expect(JSON.parse(mounted.text)).toEqual({ state: 'abc' });
    // The account-linking callback is mounted by the app itself.
    expect((await get('/oauth/discord/callback?state=unknown&code=xyz', publicUrl)).status).not.toBe(404);
    expect((await get('/nope', publicUrl)).status).toBe(404);
  });

  it('keeps health, readiness and metrics off the public port, and the OAuth callback off the ops port', async () => {
    expect(app.http!.port).not.toBe(app.ops!.port);
    for (const path of ['/metrics', '/readyz', '/healthz']) expect((await get(path, publicUrl)).status).toBe(404);
    expect((await get('/oauth/discord/callback?state=unknown&code=xyz')).status).toBe(404);
    expect((await get('/feature/echo')).status).toBe(404);
  });

  it('reports 503 naming Redis when Redis stops', async () => {
    await redis.stop();
    const ready = await get('/readyz');
    expect(ready.status).toBe(503);
    const body = JSON.parse(ready.text) as { status: string; failed: string[] };
    expect(body.status).toBe('not ready');
    expect(body.failed).toEqual(['redis']);
    // Liveness does not depend on Redis: the process itself is fine.
    expect((await get('/healthz')).status).toBe(200);
  });
});

describe('the ops server by default', () => {
  let server: RedisServerHandle;
  let defaults: App;
  beforeAll(async () => {
    server = await startRedisServerOnFreshPort();
    // Only the ports are chosen here: the hosts are the defaults (public 0.0.0.0, ops loopback).
    defaults = createApp(
      loadConfig({
        DISCORD_TOKEN: 'unused-token',
        DISCORD_CLIENT_ID: '1180000000000000001',
        DISCORD_CLIENT_SECRET: 'unused-secret',
        PUBLIC_URL: 'https://bot.example.org',
        VALENTINA_API_URL: fake.url,
        VALENTINA_API_KEY: fake.apiKey,
        REDIS_URL: server.url,
        REDIS_PREFIX: uniquePrefix('ops'),
        HTTP_PORT: '0',
        OPS_HTTP_PORT: '0',
        BOT_ROLES: 'http',
      }),
      createLogger('silent'),
      { selfCheck: false },
    );
    await defaults.start();
  });
  afterAll(async () => {
    await defaults?.stop();
    await server?.stop();
  });

  it('listens on loopback only, while the public server listens on every interface', async () => {
    expect(defaults.ops!.url).toBe(`http://127.0.0.1:${defaults.ops!.port}`);
    expect((await get('/healthz', defaults.ops!.url)).status).toBe(200);
    // From another address of this host, as another machine on the network would connect.
    const external = Object.values(networkInterfaces())
      .flat()
      .find((address) => address?.family === 'IPv4' && !address.internal)?.address;
    if (external === undefined) return;
    expect((await get('/nope', `http://${external}:${defaults.http!.port}`)).status).toBe(404);
    await expect(fetch(`http://${external}:${defaults.ops!.port}/metrics`)).rejects.toThrow();
  });
});
