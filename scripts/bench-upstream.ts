/**
 * The upstream wait of interactions: Valentina requests the fake recorded while the bot handled them,
 * replayed by a bare undici Pool in a process of its own (as the bot is one), so the time measured is
 * what the fake and loopback HTTP cost, without the bot's client. Each interaction's requests are
 * sent one after the other, as the bot sends them on a warm cache; writes get fresh idempotency keys.
 *
 *   import { upstreamWaits } from './bench-upstream.js';
 *   const [samples] = await upstreamWaits(fake.url, [[[request, …], …]], 16); // per group: ms per interaction
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { Pool } from 'undici';
import type { LoggedRequest } from '../packages/sandbox/src/fake-valentina/index.js';
import { REPO_ROOT } from './bench-utils.js';

/** What a replay needs of a logged request. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | null;
}

const KEPT_HEADERS = ['x-api-key', 'on-behalf-of', 'content-type', 'accept', 'accept-encoding'];

export function recorded(request: LoggedRequest): RecordedRequest {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.query)) for (const one of Array.isArray(value) ? value : [value]) query.append(name, one);
  const headers: Record<string, string> = {};
  for (const name of KEPT_HEADERS) if (request.headers[name] !== undefined) headers[name] = request.headers[name];
  if (request.headers['idempotency-key'] !== undefined) headers['idempotency-key'] = '';
  const search = query.toString();
  return {
    method: request.method,
    path: search ? `${request.path}?${search}` : request.path,
    headers,
    body: request.body === undefined ? null : JSON.stringify(request.body),
  };
}

async function send(pool: Pool, request: RecordedRequest): Promise<void> {
  const headers = 'idempotency-key' in request.headers ? { ...request.headers, 'idempotency-key': randomUUID() } : request.headers;
  const res = await pool.request({ method: request.method, path: request.path, headers, body: request.body ?? undefined });
  const raw = Buffer.from(await res.body.arrayBuffer());
  const text = res.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
  if (text.length > 0) JSON.parse(text.toString('utf8'));
}

interface Job {
  url: string;
  concurrency: number;
  /** Groups (e.g. one per scenario) of interactions, each a list of requests. */
  groups: RecordedRequest[][][];
}

/** Replays one group's interactions, `concurrency` at a time: ms per interaction. */
async function replayGroup(pool: Pool, interactions: RecordedRequest[][], concurrency: number): Promise<number[]> {
  if (interactions.every((requests) => requests.length === 0)) return interactions.map(() => 0);
  // Warm-up: every connection open, JIT done.
  await run(pool, interactions.slice(0, 2 * concurrency), concurrency);
  return run(pool, interactions, concurrency);
}

async function run(pool: Pool, interactions: RecordedRequest[][], concurrency: number): Promise<number[]> {
  const samples: number[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, interactions.length) }, async () => {
      while (next < interactions.length) {
        const requests = interactions[next++] ?? [];
        const started = performance.now();
        for (const request of requests) await send(pool, request);
        samples.push(performance.now() - started);
      }
    }),
  );
  return samples;
}

async function replayAll(job: Job): Promise<number[][]> {
  const pool = new Pool(job.url, { connections: job.concurrency, pipelining: 1 });
  try {
    const results: number[][] = [];
    for (const group of job.groups) results.push(await replayGroup(pool, group, job.concurrency));
    return results;
  } finally {
    await pool.close();
  }
}

/** Runs the replay in a child process and resolves with the ms per interaction of each group. */
export function upstreamWaits(url: string, groups: RecordedRequest[][][], concurrency: number): Promise<number[][]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench-upstream.ts', '--child'], { cwd: REPO_ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) reject(new Error(`the upstream replay exited with ${code}`));
      else resolve(JSON.parse(output) as number[][]);
    });
    child.stdin.end(JSON.stringify({ url, concurrency, groups } satisfies Job));
  });
}

if (process.argv.includes('--child')) {
  let input = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) input += chunk as string;
  process.stdout.write(JSON.stringify(await replayAll(JSON.parse(input) as Job)));
}
