/**
 * Interaction latency and throughput of the built bot, against a bare discord.js bot that only
 * answers /ping (scripts/pong-bot.ts) on the same simulator — the ratio is what the bot's own
 * machinery (router, responder, logging, metrics) costs.
 *
 *   npm run build && npx tsx scripts/bench-interactions.ts [--n 500] [--concurrency 32]
 *
 * Latency is measured from injecting the interaction into the simulator to the simulator receiving
 * the initial interaction response. Add a scenario to SCENARIOS to bench a new command.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../packages/sandbox/src/redis-server.js';
import { SCENARIOS, sendOnce, startStack, type Scenario, type Stack } from './bench-stack.js';
import { recorded, upstreamWait, type RecordedRequest } from './bench-upstream.js';
import { percentile, printTable, REPO_ROOT, startBotProcess, stopProcess } from './bench-utils.js';

const BOT_TOKEN = 'bench-bot-token';
const APPLICATION_ID = '1180000000000000002';

interface Figures {
  p50: number;
  p99: number;
  perSecond: number;
}

/** Valentina as seen from one scenario and mode, with the bot running (targets that call it). */
interface Upstream {
  /** Requests the fake received per interaction, after the warm-up. */
  calls: number;
  /** Replayed upstream wait per interaction (see bench-upstream.ts). */
  p50: number;
  p99: number;
}

interface Row {
  target: string;
  scenario: string;
  mode: string;
  figures: Figures;
  upstream?: Upstream;
}

const { values } = parseArgs({
  options: { n: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '32' } },
});
const N = Number(values.n);
const CONCURRENCY = Number(values.concurrency);
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(CONCURRENCY) || CONCURRENCY < 1) {
  console.error('--n and --concurrency must be positive integers');
  process.exit(1);
}

interface Measured extends Figures {
  /** Requests the fake received during the run. */
  calls: number;
  /** Sequential runs only: the requests of each interaction. */
  requests?: RecordedRequest[][];
}

async function measure(stack: Stack, scenario: Scenario, concurrency: number): Promise<Measured> {
  const samples: number[] = [];
  const log = stack.fake.requests;
  const requests: RecordedRequest[][] = [];
  const logged = log.length;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, N) }, async () => {
      while (next < N) {
        const before = log.length;
        samples.push(await sendOnce(stack, scenario, next++));
        // One interaction at a time: what the fake received meanwhile is this interaction's.
        if (concurrency === 1) requests.push(log.slice(before).map(recorded));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    perSecond: N / seconds,
    calls: log.length - logged,
    ...(concurrency === 1 ? { requests } : {}),
  };
}

async function benchTarget(target: string, stack: Stack, scenarios: Scenario[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    for (let i = 0; i < Math.min(20, N); i++) await sendOnce(stack, scenario, i); // warm-up
    const sequential = await measure(stack, scenario, 1);
    const concurrent = await measure(stack, scenario, CONCURRENCY);
    const modes: Array<[string, Measured, number]> = [
      ['sequential', sequential, 1],
      [`concurrent ×${CONCURRENCY}`, concurrent, CONCURRENCY],
    ];
    for (const [mode, { p50, p99, perSecond, calls }, concurrency] of modes) {
      const row: Row = { target, scenario: scenario.name, mode, figures: { p50, p99, perSecond } };
      if (target === 'bot') {
        // The bot is idle now: replay the sequential run's requests at the same concurrency.
        const waits = await upstreamWait(stack.fake.url, sequential.requests ?? [], concurrency);
        row.upstream = { calls: calls / N, p50: percentile(waits, 50), p99: percentile(waits, 99) };
      }
      rows.push(row);
    }
  }
  return rows;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main(): Promise<void> {
  const botEntry = join(REPO_ROOT, 'dist/src/main.js');
  if (!existsSync(botEntry)) throw new Error('dist/src/main.js is missing: run `npm run build` first');
  const stack = await startStack({ botToken: BOT_TOKEN, applicationId: APPLICATION_ID, redisPrefix: 'bench' });
  const { sim, guild } = stack;
  let bot: ChildProcess | undefined;
  try {
    bot = await startBotProcess(sim, [botEntry], stack.botEnv(await freePort()), () => sim.commands({ guildId: guild.id }).length > 0);
    console.log(`Benchmarking ${N} interactions per run (node ${process.version}, concurrency ${CONCURRENCY})`);
    const rows = await benchTarget('bot', stack, SCENARIOS);
    const code = await stopProcess(bot);
    if (code !== 0) console.warn(`the bot exited with code ${code} after SIGTERM`);

    const baseline: Row[] = [];
    const pongBot = join(REPO_ROOT, 'scripts/pong-bot.ts');
    if (existsSync(pongBot)) {
      const pong = await startBotProcess(sim, ['--import', 'tsx', pongBot], { DISCORD_TOKEN: BOT_TOKEN, DISCORD_API_URL: sim.apiUrl });
      try {
        baseline.push(...(await benchTarget('pong-bot', stack, SCENARIOS.filter((s) => s.baseline))));
      } finally {
        await stopProcess(pong);
      }
    } else {
      console.warn('scripts/pong-bot.ts is missing: no baseline');
    }

    printTable(
      'Injection → initial response',
      ['target', 'scenario', 'mode', 'p50', 'p99', 'interactions/s'],
      [...rows, ...baseline].map((r) => [r.target, r.scenario, r.mode, fmt(r.figures.p50), fmt(r.figures.p99), r.figures.perSecond.toFixed(0)]),
    );
    printTable(
      'Valentina per interaction (warm cache; upstream wait = the same requests replayed by a bare undici client)',
      ['scenario', 'mode', 'calls', 'upstream p50', 'upstream p99'],
      rows.flatMap((r) => (r.upstream ? [[r.scenario, r.mode, r.upstream.calls.toFixed(2), fmt(r.upstream.p50), fmt(r.upstream.p99)]] : [])),
    );
    if (baseline.length > 0) {
      printTable(
        'Bot ÷ pong-bot (latency ×: 1.00 = no overhead; throughput × < 1 = slower)',
        ['scenario', 'mode', 'p50 ×', 'p99 ×', 'throughput ×'],
        baseline.flatMap((base) => {
          const own = rows.find((r) => r.scenario === base.scenario && r.mode === base.mode);
          if (!own) return [];
          const ratio = (a: number, b: number) => (a / b).toFixed(2);
          return [[base.scenario, base.mode, ratio(own.figures.p50, base.figures.p50), ratio(own.figures.p99, base.figures.p99), ratio(own.figures.perSecond, base.figures.perSecond)]];
        }),
      );
    }
    if (sim.violations.length > 0) {
      console.warn(`\n${sim.violations.length} Discord rule violations, e.g. ${JSON.stringify(sim.violations.slice(0, 3))}`);
    }
  } finally {
    if (bot) await stopProcess(bot);
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
