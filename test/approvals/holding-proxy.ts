/**
 * An HTTP proxy in front of the Discord simulator that can hold back the RESPONSE of matching requests
 * after the simulator has handled them — the window in which a bot may die between "Discord created
 * the message" and "the bot recorded it". Everything else is forwarded untouched.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldRule {
  method: string;
  path: RegExp;
}

export interface HoldingProxy {
  url: string;
  /** Holds the response of the next request matching `rule` (until `releaseAll`). */
  holdNext(rule: HoldRule): void;
  /** How many responses are held right now. */
  readonly held: number;
  /** Sends the held responses on (to whoever still listens). */
  releaseAll(): void;
  close(): Promise<void>;
}

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const upstream = new URL(target);
  const rules: HoldRule[] = [];
  const held: Array<() => void> = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const ruleIndex = rules.findIndex((rule) => rule.method === req.method && rule.path.test((req.url ?? '').split('?')[0] ?? ''));
    const hold = ruleIndex >= 0;
    if (hold) rules.splice(ruleIndex, 1);
    const forwarded = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host } },
      (upstreamRes) => {
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on('end', () => {
          const send = () => {
            if (res.destroyed) return;
            res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
            res.end(Buffer.concat(chunks));
          };
          if (hold) held.push(send);
          else send();
        });
      },
    );
    forwarded.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
    });
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    holdNext: (rule) => void rules.push(rule),
    get held() {
      return held.length;
    },
    releaseAll() {
      for (const send of held.splice(0)) send();
    },
    async close() {
      held.splice(0);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
