/**
 * Statistics chart benchmark: renders N charts from varied inputs and prints render latency
 * (p50/p99), throughput and the event loop's delay p99 while rendering, one at a time and with four
 * renders in flight, for
 *   - renderStatsChart in-thread (draw on the loop, PNG encode on libuv's thread pool),
 *   - a reference that also encodes synchronously on the loop (what a naive renderer costs), and
 *   - the worker pool with one and two threads (draw and encode entirely off the main thread).
 *
 *   npx tsx scripts/bench-chart.ts [--n 200]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { createChartWorkerPool, drawStatsChart, renderStatsChart, warmUpStatsChart } from '../src/stats/index.js';
import type { StatsChartInput } from '../src/stats/index.js';
import { percentile, printTable } from './bench-utils.js';

const n = Number(process.argv[process.argv.indexOf('--n') + 1]) || 200;

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRAIT_NAMES = ['Dexterity', 'Firearms', 'Wits', 'Intimidation', 'Stealth', 'Occult', 'Brawl', 'Persuasion',
  'Academics', 'Animal Ken', 'Blood Sorcery: Theban Sorcery and the Rituals of the Tremere', 'Composure', 'Resolve'];

function variedInput(i: number): StatsChartInput {
  const rnd = prng(i + 1);
  const int = (max: number) => Math.floor(rnd() * (max + 1));
  const [criticals, successes, failures, botches] = [int(40), int(200), int(120), int(30)];
  const total = criticals + successes + failures + botches + int(20) + 1;
  const pct = (k: number) => (k / total) * 100;
  const traitCount = int(25);
  return {
    title: `Character ${i} — ${total} rolls`,
    subtitle: i % 3 === 0 ? 'Campaign: Blood Moon' : undefined,
    criticals, successes, failures, botches, total_rolls: total,
    average_pool: i % 5 === 0 ? null : 2 + rnd() * 8,
    average_difficulty: i % 7 === 0 ? null : 4 + rnd() * 5,
    top_traits: Array.from({ length: traitCount }, (_, t) => ({
      name: `${TRAIT_NAMES[(i + t) % TRAIT_NAMES.length]}${t >= TRAIT_NAMES.length ? ` ${t}` : ''}`,
      usage_count: Math.max(1, 120 - t * 4 - int(3)),
    })),
    criticals_percentage: pct(criticals), success_percentage: pct(successes),
    failure_percentage: pct(failures), botch_percentage: pct(botches),
  };
}

interface Result { label: string; samples: number[]; wallMs: number; loopP99Ms: number; loopMaxMs: number; bytes: number }

async function run(label: string, inputs: StatsChartInput[], concurrency: number, render: (s: StatsChartInput) => Promise<Buffer>): Promise<Result> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const samples: number[] = [];
  let bytes = 0;
  let next = 0;
  histogram.enable();
  const started = performance.now();
  const lane = async () => {
    while (next < inputs.length) {
      const input = inputs[next++]!;
      const t0 = performance.now();
      const png = await render(input);
      samples.push(performance.now() - t0);
      bytes += png.length;
      await yieldToLoop(); // let timers run between renders, as a busy bot would
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const wallMs = performance.now() - started;
  histogram.disable();
  return { label, samples, wallMs, loopP99Ms: histogram.percentile(99) / 1e6, loopMaxMs: histogram.max / 1e6, bytes };
}

async function main(): Promise<void> {
  const inputs = Array.from({ length: n }, (_, i) => variedInput(i));
  const firstStarted = performance.now();
  warmUpStatsChart();
  const fontMs = performance.now() - firstStarted;
  await renderStatsChart(inputs[0]!); // warm caches and the thread pool

  const results = [
    await run('in-thread, async encode, 1 in flight', inputs, 1, renderStatsChart),
    await run('in-thread, async encode, 4 in flight', inputs, 4, renderStatsChart),
    await run('in-thread, sync encode (reference)', inputs, 1, async (s) => drawStatsChart(s).encodeSync('png')),
  ];
  for (const size of [1, 2]) {
    const pool = createChartWorkerPool({ size, timeoutMs: 10_000, maxQueue: 64 });
    await Promise.all(Array.from({ length: size }, () => pool.render(inputs[0]!))); // start the threads
    results.push(await run(`worker pool of ${size}, 1 in flight`, inputs, 1, (input) => pool.render(input)));
    results.push(await run(`worker pool of ${size}, 4 in flight`, inputs, 4, (input) => pool.render(input)));
    await pool.close();
  }
  const drawOnly: number[] = [];
  for (const input of inputs) {
    const t0 = performance.now();
    drawStatsChart(input);
    drawOnly.push(performance.now() - t0);
  }

  printTable(
    `Statistics chart: ${n} renders, 1000×500 PNG (font registration once: ${fontMs.toFixed(1)} ms)`,
    ['variant', 'p50 ms', 'p99 ms', 'charts/s', 'loop delay p99 ms', 'loop delay max ms', 'avg KB'],
    results.map((r) => [
      r.label,
      percentile(r.samples, 50).toFixed(1),
      percentile(r.samples, 99).toFixed(1),
      ((r.samples.length / r.wallMs) * 1000).toFixed(0),
      r.loopP99Ms.toFixed(1),
      r.loopMaxMs.toFixed(1),
      (r.bytes / r.samples.length / 1024).toFixed(0),
    ]),
  );
  console.log(`\nDrawing alone (the part that runs on the event loop): p50 ${percentile(drawOnly, 50).toFixed(2)} ms, p99 ${percentile(drawOnly, 99).toFixed(2)} ms`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
