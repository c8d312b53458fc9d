/**
 * Memory and queue latency of the built bot.
 *
 * Memory: resident memory (VmRSS) and V8 heap used (the bot's /metrics) idle, after a warm-up of
 * mixed interactions (/ping, /xp show, /quickroll run and its autocompletes), and after many more of
 * them; growth is counted from the warm-up (goal ≤ 10 %). Every reading follows a full garbage
 * collection, asked for over the bot's inspector, so it does not depend on when V8 last collected.
 * `--snapshots DIR` also writes a heap snapshot at each reading, to compare in Chrome DevTools.
 *
 * Queue latency: enqueue → the worker's message reaching the simulator, (a) paced below the
 * 50 requests/s that discord.js allows a bot token (Discord's global rate limit), which is the queue's
 * own latency, and (b) as a burst, where that limit decides.
 *
 *   npm run build && npx tsx scripts/bench-memory.ts [--warmup 2000] [--n 10000] [--deliveries 200] [--snapshots DIR]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DeliveryQueue } from '../src/queue/deliveries.js';
import { createQueueConnection } from '../src/queue/connection.js';
import { createKeyspace } from '../src/keyspace.js';
import { freePort } from '../packages/sandbox/src/redis-server.js';
import { Inspector } from './bench-inspector.js';
import { scenario, sendOnce, startStack, type Stack } from './bench-stack.js';
import { percentile, printTable, REPO_ROOT, startBotProcess, stopProcess } from './bench-utils.js';

const { values } = parseArgs({
  options: {
    warmup: { type: 'string', default: '2000' },
    n: { type: 'string', default: '10000' },
    deliveries: { type: 'string', default: '200' },
    snapshots: { type: 'string' },
  },
});
const WARMUP = Number(values.warmup);
const N = Number(values.n);
const DELIVERIES = Number(values.deliveries);
const CONCURRENCY = 32;
/** Paced deliveries per second: below discord.js's global limit of 50 requests/s per token. */
const PACED_PER_SECOND = 25;
const BURST_IN_FLIGHT = 8;
const PREFIX = 'bench-memory';
const GOAL_GROWTH = 0.1;

/** The mixed workload, one after the other in rotation. */
const MIX = ['/ping', '/xp show', '/quickroll run (acknowledged)', '/quickroll run · quickroll autocomplete', '/quickroll run · character autocomplete'].map(scenario);

interface Reading {
  /** VmRSS as the process left it, before the collection. */
  rssAsIsMb: number;
  rssMb: number;
  heapUsedMb: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number) => bytes / 1024 / 1024;

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line.replace(/\D+/g, '')) / 1024;
}

async function metric(opsPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`/metrics has no ${name}`);
  return Number(line.split(' ')[1]);
}

async function mixed(stack: Stack, count: number, offset: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = offset + next++;
        await sendOnce(stack, MIX[i % MIX.length]!, i);
      }
    }),
  );
  return count / ((performance.now() - started) / 1_000);
}

/** ms from enqueue to arrival, `inFlight` at a time, or paced at `perSecond` when given. */
async function deliveries(stack: Stack, tag: string, pacing: { inFlight: number } | { perSecond: number }): Promise<{ latencies: number[]; perSecond: number }> {
  const { sim } = stack;
  const channelId = stack.guild.defaultChannelId;
  const connection = createQueueConnection(stack.redis.url);
  const queue = new DeliveryQueue({ connection, prefix: createKeyspace(PREFIX).queuePrefix });
  const latencies: number[] = [];
  const deliver = async (i: number) => {
    const content = `bench ${tag} delivery ${i}`;
    const sent = performance.now();
    const arrived = sim.waitForMessage({ channelId, predicate: (m) => m.content === content, timeoutMs: 60_000 });
    await queue.enqueue(`bench-${tag}-${i}`, { kind: 'channel', channelId, message: { content } });
    await arrived;
    latencies.push(performance.now() - sent);
  };
  const started = performance.now();
  try {
    if ('inFlight' in pacing) {
      let next = 0;
      await Promise.all(Array.from({ length: pacing.inFlight }, async () => {
        while (next < DELIVERIES) await deliver(next++);
      }));
    } else {
      const all: Array<Promise<void>> = [];
      for (let i = 0; i < DELIVERIES; i++) {
        all.push(deliver(i));
        await sleep(1_000 / pacing.perSecond);
      }
      await Promise.all(all);
    }
  } finally {
    await queue.close();
    connection.disconnect();
  }
  return { latencies, perSecond: DELIVERIES / ((performance.now() - started) / 1_000) };
}

async function main(): Promise<void> {
  const stack = await startStack({ botToken: 'bench-memory-token', applicationId: '1180000000000000003', redisPrefix: PREFIX });
  const { sim, guild } = stack;
  const httpPort = await freePort();
  const opsPort = await freePort();
  const inspectPort = await freePort();
  const bot = await startBotProcess(
    sim,
    [`--inspect=127.0.0.1:${inspectPort}`, '--inspect-publish-uid=http', join(REPO_ROOT, 'dist/src/main.js')],
    { ...stack.botEnv(httpPort, opsPort), NODE_ENV: 'production' },
    () => sim.commands({ guildId: guild.id }).length > 0,
  );
  const inspector = await Inspector.connect(inspectPort);
  try {
    const read = async (label: string): Promise<Reading> => {
      await sleep(500);
      const rssAsIsMb = rssMb(bot.pid!);
      await inspector.collectGarbage();
      await sleep(500);
      if (values.snapshots) console.log(`heap snapshot: ${await inspector.writeHeapSnapshot(join(values.snapshots, `${label}.heapsnapshot`))}`);
      return { rssAsIsMb, rssMb: rssMb(bot.pid!), heapUsedMb: mb(await metric(opsPort, 'nodejs_heap_size_used_bytes')) };
    };
    // Each kind of interaction once or more (lazily imported code, caches), then let the process settle.
    await mixed(stack, 4 * MIX.length, 0);
    await sleep(1_500);
    const idle = await read('idle');
    await mixed(stack, WARMUP, 0);
    const warm = await read('warm');
    // RSS as the process keeps it meanwhile: it rises and falls with V8's major collections.
    const during: number[] = [];
    const sampler = setInterval(() => during.push(rssMb(bot.pid!)), 200);
    const perSecond = await mixed(stack, N, WARMUP).finally(() => clearInterval(sampler));
    const after = await read('after');

    const paced = await deliveries(stack, 'paced', { perSecond: PACED_PER_SECOND });
    const burst = await deliveries(stack, 'burst', { inFlight: BURST_IN_FLIGHT });

    const growth = (from: number, to: number) => (to - from) / from;
    const pct = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`;
    const show = (r: Reading) => `RSS ${r.rssMb.toFixed(1)} MB (${r.rssAsIsMb.toFixed(1)} before GC) · heap used ${r.heapUsedMb.toFixed(1)} MB`;
    const rssGrowth = growth(warm.rssMb, after.rssMb);
    const latency = (l: number[]) => `p50 ${percentile(l, 50).toFixed(1)} ms · p99 ${percentile(l, 99).toFixed(1)} ms`;
    printTable(
      `Bot process memory (after a full GC) and queue latency (node ${process.version})`,
      ['figure', 'value', 'goal'],
      [
        ['memory idle', show(idle), ''],
        [`memory after warm-up (${WARMUP} mixed)`, show(warm), ''],
        [`memory after ${N} more mixed`, show(after), ''],
        [
          'growth after warm-up',
          `RSS ${pct(rssGrowth)} (${pct(growth(warm.rssAsIsMb, after.rssAsIsMb))} before GC) · heap used ${pct(growth(warm.heapUsedMb, after.heapUsedMb))}`,
          `${rssGrowth <= GOAL_GROWTH ? '✓ within' : '✗ over'} ≤ ${GOAL_GROWTH * 100} % RSS`,
        ],
        [`RSS during the ${N} (no forced GC)`, `${Math.min(...during).toFixed(1)}–${Math.max(...during).toFixed(1)} MB`, ''],
        ['mixed throughput (32 in flight)', `${perSecond.toFixed(0)} interactions/s`, ''],
        [`delivery latency, paced ${PACED_PER_SECOND}/s (${DELIVERIES})`, latency(paced.latencies), ''],
        [`delivery latency, burst (${DELIVERIES}, ${BURST_IN_FLIGHT} in flight)`, `${latency(burst.latencies)} · ${burst.perSecond.toFixed(0)}/s`, ''],
      ],
    );
    console.log(`Mixed: ${MIX.map((s) => s.name).join(', ')}. A burst is held to discord.js's 50 requests/s per token (Discord's global limit).`);
  } finally {
    inspector.close();
    await stopProcess(bot);
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
