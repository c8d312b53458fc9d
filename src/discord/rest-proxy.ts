/**
 * The shared Discord REST proxy: one `@discordjs/proxy` in front of Discord through which every bot
 * process sends its REST calls, so Discord's global limit (50 requests a second per bot token) and the
 * per-route buckets are kept once for all of them instead of once per process.
 *
 * It holds no token: each request carries the bot's `Authorization` header, which the proxy forwards.
 * Bot-token requests are spaced evenly at 40 a second ({@link PACED_REQUESTS_PER_SECOND}); what
 * exceeds a per-route bucket waits in the REST client. Interaction callbacks and webhook requests
 * (no bot token, exempt from the global limit) are never held behind them. `GET /healthz` answers 200 for orchestrators; everything else is proxied.
 *
 * The handler is `proxyRequests` of @discordjs/proxy with one change: the request body is read into
 * memory before it is queued. `proxyRequests` hands the incoming stream to the REST client, and a
 * request retried after a 429 or a 5xx then reaches Discord with an empty body ("Cannot send an empty
 * message") — the very case a shared proxy exists for.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { populateErrorResponse, populateSuccessfulResponse } from '@discordjs/proxy';
import { REST, RESTEvents, type RequestMethod } from '@discordjs/rest';
import type { Logger } from '../logger.js';

export interface RestProxyOptions {
  /** Discord's REST base without version, e.g. `https://discord.com/api`. */
  apiUrl: string;
  host: string;
  port: number;
  logger: Logger;
  /** Bot-token requests a second for all processes together; default {@link PACED_REQUESTS_PER_SECOND}. */
  requestsPerSecond?: number;
}

/**
 * The proxy spaces the bot's requests evenly at this rate, below Discord's 50. Let through as
 * @discordjs/rest does — 50 at once at the start of each of its seconds — a second's requests can land in
 * the previous one of Discord's, which counts seconds by its own clock from when requests arrive, and be
 * refused. Evenly spaced requests leave every second, however it is cut, under the limit, with room
 * for the jitter of the network (requests sent 25 ms apart may arrive bunched).
 */
export const PACED_REQUESTS_PER_SECOND = 40;

/** Hands out send times `1000 / perSecond` ms apart, in call order. */
export class RequestPacer {
  #next = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  async wait(): Promise<void> {
    const now = this.now();
    const slot = Math.max(now, this.#next);
    this.#next = slot + 1_000 / this.perSecond;
    if (slot > now) await new Promise((resolve) => setTimeout(resolve, slot - now));
  }
}

export interface RunningRestProxy {
  /** `http://host:port`; clients use `<url>/api` as their REST base. */
  readonly url: string;
  close(): Promise<void>;
}

export function createProxyRest(options: Pick<RestProxyOptions, 'apiUrl' | 'logger'>): REST {
  const rest = new REST({ api: options.apiUrl, version: '10' });
  rest.on(RESTEvents.RateLimited, (info) => {
    // Routes only: the URL of an interaction or webhook request holds its token.
    options.logger.debug({ global: info.global, route: info.route, method: info.method, waitMs: info.timeToReset }, 'discord rate limit: request held');
  });
  return rest;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return chunks.length === 0 ? undefined : Buffer.concat(chunks);
}

/** Forwards one request through `rest`, replayable on retry (see the file comment). */
export function proxyRequests(rest: REST, logger: Logger, pacer: RequestPacer): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy.local');
    const headers: Record<string, string> = {};
    if (req.headers['content-type']) headers['Content-Type'] = req.headers['content-type'];
    if (req.headers.authorization) headers.authorization = req.headers.authorization;
    const reason = req.headers['x-audit-log-reason'];
    if (typeof reason === 'string') headers['x-audit-log-reason'] = reason;
    try {
      const body = await readBody(req);
      // Interaction callbacks and webhook requests carry no bot token and are not under the global limit.
      if (headers.authorization?.startsWith('Bot ')) await pacer.wait();
      const response = await rest.queueRequest({
        fullRoute: url.pathname.replace(/^\/api(\/v\d+)?/, '') as `/${string}`,
        // Discord answers an unknown method itself.
        method: (req.method ?? 'GET') as RequestMethod,
        ...(body === undefined ? {} : { body, passThroughBody: true }),
        // The bot's own Authorization header is forwarded.
        auth: false,
        query: url.searchParams,
        headers,
      });
      await populateSuccessfulResponse(res, response);
    } catch (error) {
      if (!populateErrorResponse(res, error)) {
        // Discord unreachable or the like. The logger strips interaction and webhook tokens from errors.
        logger.warn({ method: req.method, err: error }, 'discord rest proxy: request failed');
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).write(JSON.stringify({ message: 'The Discord REST proxy could not reach Discord.', code: 0 }));
      }
    } finally {
      res.end();
    }
  };
}

export async function startRestProxy(options: RestProxyOptions): Promise<RunningRestProxy> {
  const { logger } = options;
  const proxy = proxyRequests(createProxyRest(options), logger, new RequestPacer(options.requestsPerSecond ?? PACED_REQUESTS_PER_SECOND));
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    void proxy(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host}:${address.port}`,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

/** For /readyz of a bot process: the proxy at `proxyApiUrl` (e.g. `http://discord-proxy:8081/api`) answers its /healthz. */
export async function restProxyReachable(proxyApiUrl: string): Promise<true | string> {
  const response = await fetch(new URL('/healthz', proxyApiUrl), { signal: AbortSignal.timeout(1_000) });
  await response.arrayBuffer();
  return response.ok ? true : `answered ${response.status}`;
}
