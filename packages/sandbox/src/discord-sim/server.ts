/** The HTTP side: `/api[/vN]/...` REST routes, auth, injected faults, unknown routes, attachment downloads. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SimContext } from './context.js';
import type { FaultInjector } from './faults.js';
import {
  compileRoutes,
  DiscordApiError,
  matchRoute,
  parseAuth,
  parseBody,
  sendJson,
  type CompiledRoute,
  type SimRequest,
  type SimRoute,
} from './http.js';
import type { UnknownRoute } from './model.js';
import type { GlobalRateLimiter, RateDecision } from './rate-limit.js';

const API_PREFIX = /^\/api(?:\/v(\d+))?(\/.*)?$/;
const unauthorized = () => new DiscordApiError(401, 0, '401: Unauthorized');

export interface HttpDeps {
  ctx: SimContext;
  routes: SimRoute[];
  faults: FaultInjector;
  rateLimit: GlobalRateLimiter;
  unknownRoutes: UnknownRoute[];
}

function checkAuth(ctx: SimContext, route: CompiledRoute, req: SimRequest): void {
  if (route.auth === 'none') return;
  const { auth } = req;
  const botOk = auth?.kind === 'bot' && auth.token === ctx.config.botToken;
  const bearerOk = auth?.kind === 'bearer' && ctx.oauth.tokenFor(auth.token) !== undefined;
  if (route.auth === 'bearer' ? bearerOk : route.auth === 'either' ? botOk || bearerOk : botOk) return;
  if (auth?.kind !== 'bearer') {
    const detail = auth === null ? 'no Authorization header' : auth.kind === 'bot' ? 'wrong bot token' : `${auth.kind} credentials`;
    ctx.violations.push({ rule: 'bot-token', detail: `${req.method} ${req.path}: ${detail}` });
  }
  throw unauthorized();
}

function serveAttachment(ctx: SimContext, path: string, res: ServerResponse): boolean {
  const match = /^\/attachments\/(\d+)\/(\d+)\//.exec(path);
  if (!match) return false;
  const message = ctx.store.channelMessages(match[1] ?? '').find((m) => m.attachments.some((a) => a.id === match[2]));
  const attachment = message?.attachments.find((a) => a.id === match[2]);
  if (!attachment) res.writeHead(404).end();
  else res.writeHead(200, { 'content-type': attachment.contentType ?? 'application/octet-stream' }).end(attachment.data);
  return true;
}

async function handle(deps: HttpDeps, routes: CompiledRoute[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { ctx } = deps;
  const url = new URL(req.url ?? '/', 'http://sim.local');
  const method = (req.method ?? 'GET').toUpperCase();
  if (method === 'GET' && serveAttachment(ctx, url.pathname, res)) return;
  const prefixed = API_PREFIX.exec(url.pathname);
  const path = prefixed ? prefixed[2] ?? '/' : url.pathname;
  // Counted on arrival, before the body is read: the global limit is about when requests reach Discord.
  const auth = parseAuth(req.headers.authorization);
  const decision: RateDecision = prefixed && auth?.kind === 'bot' ? deps.rateLimit.take(auth.token) : { allowed: true };
  try {
    const version = prefixed?.[1];
    const match = prefixed && (version === undefined || version === '9' || version === '10') ? matchRoute(routes, method, path) : undefined;
    if (!match) {
      deps.unknownRoutes.push({ method, path: url.pathname });
      req.resume();
      throw new DiscordApiError(404, 0, '404: Not Found');
    }
    const body = await parseBody(req);
    const simReq: SimRequest = {
      method,
      path,
      query: url.searchParams,
      headers: req.headers,
      auth: parseAuth(req.headers.authorization),
      ...body,
      params: match.params,
    };
    checkAuth(ctx, match.route, simReq);
    if (!decision.allowed) {
      const retryAfter = decision.retryAfterMs / 1000;
      sendJson(res, {
        status: 429,
        body: { message: 'You are being rate limited.', retry_after: retryAfter, global: true, code: 0 },
        headers: { 'retry-after': String(retryAfter), 'x-ratelimit-global': 'true', 'x-ratelimit-scope': 'global' },
      });
      return;
    }
    const fault = deps.faults.take(method, path);
    if (fault) {
      const retry = { 'retry-after': String(fault.retryAfterSeconds), 'x-ratelimit-scope': 'user' };
      const faultBody =
        fault.status === 429
          ? { message: 'You are being rate limited.', retry_after: fault.retryAfterSeconds, global: false }
          : { message: `${fault.status}: Injected failure`, code: 0 };
      sendJson(res, { status: fault.status, body: faultBody, ...(fault.status === 429 ? { headers: retry } : {}) });
      return;
    }
    sendJson(res, await match.route.handle(simReq));
  } catch (error) {
    if (error instanceof DiscordApiError) sendJson(res, { status: error.status, body: error.toBody() });
    else sendJson(res, { status: 500, body: { message: `500: ${error instanceof Error ? error.message : String(error)}`, code: 0 } });
  }
}

export function createHttpServer(deps: HttpDeps): Server {
  const routes = compileRoutes(deps.routes);
  return createServer((req, res) => {
    void handle(deps, routes, req, res);
  });
}
