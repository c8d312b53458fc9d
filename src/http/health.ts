/**
 * Liveness and readiness, served with /metrics on the ops server (OPS_HTTP_HOST:OPS_HTTP_PORT, loopback
 * by default), never on the public one. `/healthz` answers 200 while the process runs, start-up included;
 * `/readyz` runs every readiness check (start-up check finished, queue workers running, gateway connected,
 * Redis answering PING, Valentina healthy: see app.ts) and answers 503 naming the ones that failed.
 * Check results carry short reasons only — never an upstream's error text.
 */
import type { Redis } from 'ioredis';
import type { BotMetrics } from './metrics.js';
import { json, type RouteTable } from './server.js';

/** Resolves `true` when healthy, `{ note }` when healthy with something to report, or a short reason why not; may throw (counted as failed). */
export type ReadinessCheck = () => Promise<CheckResult>;
export type CheckResult = true | string | { note: string };

export interface NamedCheck {
  name: string;
  check: ReadinessCheck;
}

const CHECK_TIMEOUT_MS = 1_000;

function withTimeout(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timed out'), timeoutMs)));
  return Promise.race([check().catch(() => 'failed'), timeout]).finally(() => clearTimeout(timer));
}

export async function runChecks(checks: readonly NamedCheck[], timeoutMs = CHECK_TIMEOUT_MS) {
  const results = await Promise.all(checks.map(async ({ name, check }) => [name, await withTimeout(check, timeoutMs)] as const));
  const failed = results.filter(([, result]) => typeof result === 'string').map(([name]) => name);
  const detail = Object.fromEntries(results.map(([name, result]) => [name, result === true ? 'ok' : typeof result === 'string' ? result : result.note]));
  return { ready: failed.length === 0, failed, checks: detail };
}

/** Redis answers PING within `timeoutMs` (ioredis would otherwise queue the command until it reconnects). */
export function redisCheck(redis: Pick<Redis, 'ping'>, timeoutMs = 500): ReadinessCheck {
  return () => withTimeout(async () => ((await redis.ping()) === 'PONG' ? true : 'unexpected reply'), timeoutMs);
}

/** Caches a check's result for `ttlMs`, so frequent probes do not hammer an upstream. */
export function cachedCheck(check: ReadinessCheck, ttlMs: number, now: () => number = Date.now): ReadinessCheck {
  let cached: { at: number; result: Promise<CheckResult> } | undefined;
  return () => {
    if (!cached || now() - cached.at >= ttlMs) {
      cached = { at: now(), result: check().catch(() => 'failed') };
    }
    return cached.result;
  };
}

export function mountHealthRoutes(routes: RouteTable, options: { checks: readonly NamedCheck[]; metrics: BotMetrics }): RouteTable {
  return routes
    .add('GET', '/healthz', () => json(200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) }))
    .add('GET', '/readyz', async () => {
      const { ready, failed, checks } = await runChecks(options.checks);
      return json(ready ? 200 : 503, ready ? { status: 'ready', checks } : { status: 'not ready', failed, checks });
    })
    .add('GET', '/metrics', async () => ({
      status: 200,
      headers: { 'content-type': options.metrics.registry.contentType },
      body: await options.metrics.render(),
    }));
}
