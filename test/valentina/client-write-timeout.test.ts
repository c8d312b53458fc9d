/** A write the client stopped waiting for is never re-sent while the server may still be running it. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ValentinaClient, ValentinaNetworkError, ValentinaOutcomeUnknownError } from '../../src/valentina/index.js';

const cid = '0197e3c2-5a10-7f3e-8b21-4c6d2e9a1f05';
const uid = '0197e3d0-1b2c-7d3e-a4f5-6a7b8c9d0e1f';
const campaignId = '0197e3e1-3d4e-7f5a-86b7-8c9d0e1f2a3b';

// Like the API: the idempotency key is looked up when a request arrives and stored after a slow
// handler finishes, with no in-flight lock.
let xp = 0;
const stored = new Map<string, string>();
const handlersDone: Array<Promise<void>> = [];
/** The slow handlers finish when the test says so: after the client gave up, however slow the machine. */
let finishHandlers!: () => void;
const handlersMayFinish = new Promise<void>((resolve) => (finishHandlers = resolve));
let server: Server;
let client: ValentinaClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key']);
      const replay = stored.get(key);
      if (replay) return void res.writeHead(201, { 'content-type': 'application/json' }).end(replay);
      handlersDone.push(handlersMayFinish.then(() => {
        xp += (JSON.parse(raw) as { amount: number }).amount;
        const body = JSON.stringify({ id: uid, campaign_id: campaignId, user_id: uid, xp_current: xp, xp_total: xp, cool_points: 0 });
        stored.set(key, body);
        if (!res.destroyed) res.writeHead(201, { 'content-type': 'application/json' }).end(body);
      }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = new ValentinaClient({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, apiKey: 'k', baseDelayMs: 5, timeoutMs: 1_000 });
});
afterAll(async () => {
  finishHandlers();
  await client.close();
  await new Promise((resolve) => server.close(resolve));
});

it('reports a timed-out write instead of re-sending it, so the grant is applied once', async () => {
  const error = await client.experience.addXp(cid, uid, { amount: 4, campaignId }, { onBehalfOf: uid, idempotencyKey: 'grant-1' }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValentinaOutcomeUnknownError);
  expect((error as ValentinaOutcomeUnknownError).mayStillRun).toBe(true);
  expect(handlersDone).toHaveLength(1); // sent once, not re-sent after the timeout
  finishHandlers();
  await Promise.all(handlersDone);
  expect(xp).toBe(4);
  // Retried later with the same key, the caller gets the stored result and nothing is applied again.
  const replay = await client.experience.addXp(cid, uid, { amount: 4, campaignId }, { onBehalfOf: uid, idempotencyKey: 'grant-1' });
  expect(replay.xp_current).toBe(4);
  expect(xp).toBe(4);
});

it('sends nothing once the deadline has passed', async () => {
  const received = handlersDone.length;
  const error = await client.companies.get(cid, { deadline: Date.now() - 1 }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValentinaNetworkError);
  expect(handlersDone).toHaveLength(received);
});
