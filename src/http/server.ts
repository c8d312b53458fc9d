/**
 * The bot's small HTTP server (node:http): a route table of exact paths, so features mount their
 * routes (`GET /oauth/discord/callback`, …) without touching the server. Handlers return a response
 * value; a handler that throws becomes a 500 with no detail, logged with the stack.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loggableError } from '../discord/errors.js';
import type { Logger } from '../logger.js';

export type HttpMethod = 'GET' | 'POST';

export interface HttpResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export interface HttpRequest {
  method: HttpMethod;
  url: URL;
  headers: IncomingMessage['headers'];
}

export type RouteHandler = (request: HttpRequest) => Promise<HttpResponse> | HttpResponse;

export class RouteTable {
  private readonly routes = new Map<string, Map<HttpMethod, RouteHandler>>();

  add(method: HttpMethod, path: string, handler: RouteHandler): this {
    const byMethod = this.routes.get(path) ?? new Map<HttpMethod, RouteHandler>();
    if (byMethod.has(method)) throw new Error(`${method} ${path} is mounted twice`);
    byMethod.set(method, handler);
    this.routes.set(path, byMethod);
    return this;
  }

  /** The handler, or why there is none: unknown path (404) or known path with another method (405). */
  match(method: string, path: string): RouteHandler | { status: 404 | 405; allow?: string } {
    const byMethod = this.routes.get(path);
    if (!byMethod) return { status: 404 };
    // HEAD is answered by the GET handler; node drops the body.
    const handler = byMethod.get((method === 'HEAD' ? 'GET' : method) as HttpMethod);
    return handler ?? { status: 405, allow: [...byMethod.keys()].join(', ') };
  }
}

export const json = (status: number, body: unknown): HttpResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

export interface RunningHttpServer {
  /** `http://host:port` actually bound (the port is real even when 0 was asked). */
  url: string;
  port: number;
  /** Stops accepting, lets open requests finish for up to `graceMs`, then cuts the rest. */
  close(graceMs?: number): Promise<void>;
}

export async function startHttpServer(options: {
  host: string;
  port: number;
  routes: RouteTable;
  logger: Logger;
}): Promise<RunningHttpServer> {
  const { routes, logger } = options;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const matched = routes.match(req.method ?? 'GET', url.pathname);
    const send = (response: HttpResponse) => {
      res.writeHead(response.status, response.headers);
      res.end(response.body);
    };
    if (typeof matched !== 'function') {
      res.setHeader('content-type', 'application/json; charset=utf-8');
      if (matched.allow) res.setHeader('allow', matched.allow);
      res.writeHead(matched.status);
      res.end(JSON.stringify({ error: matched.status === 404 ? 'not found' : 'method not allowed' }));
      return;
    }
    const request: HttpRequest = { method: (req.method === 'HEAD' ? 'GET' : req.method) as HttpMethod, url, headers: req.headers };
    Promise.resolve()
      .then(() => matched(request))
      .then(send, (error: unknown) => {
        logger.error({ err: loggableError(error), path: url.pathname }, 'http handler failed');
        if (!res.headersSent) send(json(500, { error: 'internal error' }));
        else res.destroy();
      });
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    async close(graceMs = 1_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}
