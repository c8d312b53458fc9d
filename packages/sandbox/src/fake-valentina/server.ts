/**
 * The HTTP layer of the fake: request log, injected faults, API-key check, rate limits,
 * idempotency, then the route's guards (company access, acting user), the response cache (§1.11)
 * and the handler.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { IdempotencyCache } from './idempotency.js';
import { isUuid, requestId as newRequestId } from './ids.js';
import { resolveActor } from './guards.js';
import { ApiError, forbidden, notFound, problemBody, validationError } from './problem.js';
import { RateLimiter, type BucketConfig } from './rate-limit.js';
import { compile, matchRoute, type CompiledRoute, type RouteContext } from './router.js';
import { ALL_ROUTES } from './routes/index.js';
import type { DiceSource } from './dice.js';
import type { DiscordVerifier } from './discord.js';
import type { FaultController, FaultRule } from './faults.js';
import type { CompanyRow } from './model.js';
import type { RequestLog } from './request-log.js';
import type { ResponseCache } from './response-cache.js';
import type { FakeStore } from './store.js';

const API_PREFIX = '/api/v1';
const MAX_BODY_BYTES = 5 * 1024 * 1024;
const GZIP_MIN_BYTES = 500;
/** Path parameters that are not plain UUID-validated (company: 403 guard, character: 404 guard). */
const SPECIAL_PARAMS = new Set(['company_id', 'character_id', 'provider']);

export interface ServerDeps {
  host: string;
  port: number;
  apiKey: string;
  store: FakeStore;
  log: RequestLog;
  faults: FaultController;
  dice: DiceSource;
  verifyDiscord: DiscordVerifier;
  buckets: BucketConfig[];
  responseCache: ResponseCache;
  now: () => number;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body?: Buffer;
  /** A successful audited write: the API key's response cache is flushed once this answer was sent. */
  flushesCache?: boolean;
}

/** What the live API's framework answers for an unhandled exception (no problem+json). */
const PLAIN_500 = { status_code: 500, detail: 'Internal Server Error' };

/** A reverse proxy's own error page: HTML, no request id. */
function proxyPage(status: 502 | 503): Reply {
  const reason = status === 502 ? 'Bad Gateway' : 'Service Temporarily Unavailable';
  const html = `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n</body>\r\n</html>\r\n`;
  return { status, headers: { 'content-type': 'text/html' }, body: Buffer.from(html) };
}

function json(status: number, value: unknown, headers: Record<string, string>, type = 'application/json'): Reply {
  return { status, headers: { ...headers, 'content-type': type }, body: Buffer.from(JSON.stringify(value)) };
}

function problem(error: ApiError, instance: string, requestId: string, headers: Record<string, string>): Reply {
  return json(error.status, problemBody(error, instance, requestId), headers, 'application/problem+json');
}

class BodyTooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new BodyTooLarge();
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

function headerRecord(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function queryRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = all.length === 1 ? (all[0] ?? '') : all;
  }
  return out;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startServer(deps: ServerDeps): Promise<{ url: string; close(): Promise<void> }> {
  const routes = compile(ALL_ROUTES);
  const limiter = new RateLimiter(deps.buckets, deps.now);
  const idempotency = new IdempotencyCache(deps.now);
  const { store, responseCache } = deps;

  type RouteOutcome = { result: Awaited<ReturnType<CompiledRoute['handle']>> } | { cached: Reply };

  async function runRoute(
    route: CompiledRoute,
    params: Record<string, string>,
    req: IncomingMessage,
    url: URL,
    body: { parsed: unknown; invalid: boolean },
    apiKey: string,
  ): Promise<RouteOutcome> {
    let company: CompanyRow | null = null;
    if (params.company_id !== undefined) {
      company = store.accessibleCompany(params.company_id.toLowerCase()) ?? null;
      if (!company) throw forbidden();
    }
    const oboHeader = req.headers['on-behalf-of'];
    const actor = resolveActor(store, route.obo, Array.isArray(oboHeader) ? oboHeader[0] : oboHeader, company, url.pathname);
    const invalid = Object.entries(params)
      .filter(([name, value]) => !SPECIAL_PARAMS.has(name) && !isUuid(value))
      .map(([name]) => ({ field: name, message: 'Invalid UUID' }));
    if (invalid.length > 0) throw validationError(invalid);
    const normalized = Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, SPECIAL_PARAMS.has(k) && k !== 'company_id' ? v : v.toLowerCase()]),
    );
    const ctx: RouteContext = {
      store,
      dice: deps.dice,
      verifyDiscord: deps.verifyDiscord,
      params: normalized,
      query: url.searchParams,
      body: body.parsed,
      bodyInvalid: body.invalid,
      get company(): CompanyRow {
        if (!company) throw new Error(`Route ${route.id} has no company`);
        return company;
      },
      actor,
    };
    // Guards ran; only the handler is skipped on a cache hit.
    const obo = Array.isArray(oboHeader) ? oboHeader[0] : oboHeader;
    const cached = route.cached ? responseCache.lookup(apiKey, obo, route.method, url) : undefined;
    if (cached) {
      const headers: Record<string, string> = {};
      if (cached.contentType) headers['content-type'] = cached.contentType;
      return { cached: { status: cached.status, headers, ...(cached.body ? { body: cached.body } : {}) } };
    }
    const result = await route.handle(ctx);
    if (route.audit && company && result.status >= 200 && result.status < 300) store.touchCompany(company.id);
    return { result };
  }

  /** Runs one request; `storeIdempotent: false` models a process that died before storing the answer. */
  async function process(req: IncomingMessage, url: URL, method: string, raw: Buffer, body: { parsed: unknown; invalid: boolean }, storeIdempotent = true): Promise<Reply> {
    const requestId = newRequestId();
    const instance = url.href;
    const idHeader = { 'x-request-id': requestId };
    const path = url.pathname;
    const match = path.startsWith(`${API_PREFIX}/`) ? matchRoute(routes, method, path.slice(API_PREFIX.length)) : { kind: 'not-found' as const };
    if (match.kind === 'not-found') return problem(notFound('Not Found'), instance, requestId, idHeader);
    if (match.kind === 'method-not-allowed') return problem(new ApiError(405, 'Method Not Allowed'), instance, requestId, idHeader);
    const { route, params } = match;

    const key = req.headers['x-api-key'];
    const apiKey = Array.isArray(key) ? key[0] : key;
    if (apiKey === undefined) return problem(new ApiError(401, 'API key not provided'), instance, requestId, {});
    if (apiKey !== deps.apiKey) return problem(new ApiError(401, 'Unauthorized API key'), instance, requestId, {});

    const limit = limiter.take(apiKey, route.identify === true);
    if (!limit.allowed) {
      const error = new ApiError(429, 'You are being rate limited.', { retry_after: limit.retryAfter });
      return problem(error, instance, requestId, limit.headers);
    }
    const routeHeaders = { ...idHeader, ...limit.headers };

    const idemHeader = req.headers['idempotency-key'];
    const idemKey = IdempotencyCache.applies(method) ? (Array.isArray(idemHeader) ? idemHeader[0] : idemHeader) : undefined;
    if (idemKey !== undefined) {
      const found = idempotency.lookup(apiKey, idemKey, method, path, raw);
      if (found.kind === 'conflict') {
        const detail = `Idempotency key '${idemKey}' was previously used with a different request body.`;
        return problem(new ApiError(409, detail), instance, requestId, {});
      }
      if (found.kind === 'replay') {
        const { response } = found;
        const headers: Record<string, string> = { ...routeHeaders, 'cache-control': response.cacheControl };
        if (response.contentType) headers['content-type'] = response.contentType;
        return { status: response.status, headers, body: response.body.length > 0 ? response.body : undefined };
      }
    }

    let reply: Reply;
    try {
      const outcome = await runRoute(route, params, req, url, body, apiKey);
      const cacheControl = route.cached ? 'private, max-age=60' : 'no-cache';
      if ('cached' in outcome) return { ...outcome.cached, headers: { ...outcome.cached.headers, ...routeHeaders, 'cache-control': cacheControl } };
      const { result } = outcome;
      reply =
        result.body === undefined
          ? { status: result.status, headers: { ...routeHeaders, 'cache-control': cacheControl } }
          : json(result.status, result.body, { ...routeHeaders, 'cache-control': cacheControl });
      if (route.cached) {
        const oboHeader = req.headers['on-behalf-of'];
        responseCache.store(apiKey, Array.isArray(oboHeader) ? oboHeader[0] : oboHeader, route.method, url, {
          status: reply.status,
          body: reply.body,
          contentType: reply.headers['content-type'],
        });
      }
      if ((route.audit || result.flushesCache) && reply.status >= 200 && reply.status < 300) reply.flushesCache = true;
    } catch (error) {
      if (!(error instanceof ApiError)) {
        console.error('fake-valentina: unhandled error in', route.id, error);
        return json(500, PLAIN_500, { ...routeHeaders, 'cache-control': 'no-cache' });
      }
      return problem(error, instance, requestId, { ...routeHeaders, 'cache-control': 'no-cache' });
    }
    if (idemKey !== undefined && storeIdempotent) {
      idempotency.store(apiKey, idemKey, method, path, raw, {
        status: reply.status,
        body: reply.body ?? Buffer.alloc(0),
        contentType: reply.headers['content-type'],
        cacheControl: reply.headers['cache-control'] ?? 'no-cache',
      });
    }
    return reply;
  }

  function faultReply(rule: Extract<FaultRule, { kind: 'status' }>, url: URL): Reply {
    const requestId = newRequestId();
    if (rule.status === 500) return json(500, PLAIN_500, {});
    if (rule.status === 429) {
      const retryAfter = rule.retryAfter ?? 1;
      const bucket = deps.buckets.find((b) => (b.scope ?? 'global') === 'global');
      const headers: Record<string, string> = bucket
        ? {
            'ratelimit-policy': `"${bucket.name}";q=${bucket.capacity};w=${Math.ceil(bucket.capacity / bucket.refillPerSecond)}`,
            ratelimit: `"${bucket.name}";r=0;t=${Math.ceil(retryAfter)}`,
          }
        : {};
      return problem(new ApiError(429, 'You are being rate limited.', { retry_after: retryAfter }), url.href, requestId, headers);
    }
    const error = new ApiError(rule.status, `Injected fault: status ${rule.status}`);
    return problem(error, url.href, requestId, { 'x-request-id': requestId });
  }

  function send(req: IncomingMessage, res: ServerResponse, reply: Reply): void {
    let body = reply.body;
    const headers = { ...reply.headers };
    const accept = req.headers['accept-encoding'] ?? '';
    if (body && body.length >= GZIP_MIN_BYTES && /\bgzip\b/.test(String(accept))) {
      body = gzipSync(body);
      headers['content-encoding'] = 'gzip';
      headers.vary = 'Accept-Encoding';
    }
    headers['content-length'] = String(body?.length ?? 0);
    res.writeHead(reply.status, headers);
    res.end(body);
  }

  /** Waits for every hold to be released; false when the client went away first (the request is not run). */
  async function heldUntilReleased(req: IncomingMessage, holds: Array<Extract<FaultRule, { kind: 'hold' }>>): Promise<boolean> {
    const socket = req.socket;
    if (socket.destroyed) return false;
    let onClose: (() => void) | undefined;
    const gone = new Promise<false>((resolve) => socket.once('close', (onClose = () => resolve(false))));
    const released = Promise.all(holds.map((h) => h.until.catch(() => undefined))).then(() => true as const);
    try {
      return (await Promise.race([released, gone])) && !socket.destroyed;
    } finally {
      if (onClose) socket.off('close', onClose);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? `${deps.host}:${deps.port}`}`);
    const method = (req.method ?? 'GET').toUpperCase();
    const entry = deps.log.add({
      method,
      path: url.pathname,
      query: queryRecord(url.searchParams),
      headers: headerRecord(req),
      body: undefined,
      status: null,
      at: new Date(deps.now()),
    });
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      const reply = problem(new ApiError(413, 'Request body is too large'), url.href, newRequestId(), {});
      entry.status = reply.status;
      send(req, res, reply);
      return;
    }
    const body = { parsed: undefined as unknown, invalid: false };
    if (raw.length > 0) {
      try {
        body.parsed = JSON.parse(raw.toString('utf8'));
      } catch {
        body.invalid = true;
      }
    }
    entry.body = body.parsed;

    const fired = deps.faults.take(method, url.pathname);
    for (const rule of fired) if (rule.kind === 'latency') await sleep(rule.ms);
    const holds = fired.filter((r): r is Extract<FaultRule, { kind: 'hold' }> => r.kind === 'hold');
    if (holds.length > 0 && !(await heldUntilReleased(req, holds))) return;
    if (fired.some((r) => r.kind === 'drop')) {
      req.socket.destroy();
      return;
    }
    const statusFault = fired.find((r): r is Extract<FaultRule, { kind: 'status' }> => r.kind === 'status');
    if (statusFault) {
      const reply = faultReply(statusFault, url);
      entry.status = reply.status;
      send(req, res, reply);
      return;
    }
    const storeIdempotent = !fired.some((r) => r.kind === 'apply-then-drop' || r.kind === 'apply-then-status');
    const reply = await process(req, url, method, raw, body, storeIdempotent);
    for (const rule of fired) rule.afterApply?.();
    if (fired.some((r) => r.kind === 'drop-after-apply' || r.kind === 'apply-then-drop')) {
      req.socket.destroy();
      return;
    }
    const failAfter = fired.find((r): r is Extract<FaultRule, { kind: 'apply-then-status' }> => r.kind === 'apply-then-status');
    if (failAfter) {
      // The write is committed; what reaches the client is an error, and the cache is not flushed.
      const failed = failAfter.status === 500 ? json(500, PLAIN_500, { 'x-request-id': reply.headers['x-request-id'] ?? newRequestId() }) : proxyPage(failAfter.status);
      entry.status = failed.status;
      send(req, res, failed);
      return;
    }
    for (const rule of fired) if (rule.kind === 'latency-after-apply') await sleep(rule.ms);
    if (req.socket.destroyed) return;
    entry.status = reply.status;
    send(req, res, reply);
    if (reply.flushesCache) responseCache.flush(deps.apiKey);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      console.error('fake-valentina: request failed', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status_code: 500, detail: 'Internal Server Error' }));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(deps.port, deps.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = deps.host.includes(':') ? `[${deps.host}]` : deps.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
