/**
 * Interaction latency and throughput of the built bot against its floor, the bare discord.js pong bot
 * (scripts/pong-bot.ts: "pong" to any command, a fixed list to any autocomplete). Each repetition
 * starts a fresh stack (simulator, Redis, fake Valentina with 20–40 ms of latency and its rate limit
 * off) and runs both targets on it, one after the other, alternating which goes first; the ratios are
 * taken within a repetition and reported as median (min–max) over the repetitions.
 *
 *   npm run build && npx tsx scripts/bench-interactions.ts [--n 150] [--concurrency 16] [--reps 5]
 *
 * Latency is measured from injecting the interaction into the simulator to the simulator receiving
 * the initial interaction response (or, where a scenario says so, the visible reply). Valentina calls
 * are the fake's requests per interaction, health checks left out. Upstream = the sequential run's
 * requests of each interaction replayed by a bare undici client in a process of its own (see
 * bench-upstream.ts): what Valentina alone costs. Add a scenario to SCENARIOS to bench a new command.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../packages/sandbox/src/redis-server.js';
import { floorOf, FLOOR, registerFloorCommands, SCENARIOS, sendAndSee, startStack, type Scenario, type Stack } from './bench-stack.js';
import { formatSpread, interleavedOrder, spread } from './bench-stats.js';
import { recorded, upstreamWaits, type RecordedRequest } from './bench-upstream.js';
import { commandRequests } from './bench-valentina.js';
import { percentile, printTable, REPO_ROOT, startBotProcess, stopProcess } from './bench-utils.js';

const BOT_TOKEN = 'bench-bot-token';
const APPLICATION_ID = '1180000000000000002';
const WARM_UP = 20;
const GOAL_RATIO = 2;

const { values } = parseArgs({
  options: { n: { type: 'string', default: '150' }, concurrency: { type: 'string', default: '16' }, reps: { type: 'string', default: '5' } },
});
const N = Number(values.n);
const CONCURRENCY = Number(values.concurrency);
const REPS = Number(values.reps);
if (![N, CONCURRENCY, REPS].every((v) => Number.isInteger(v) && v >= 1)) {
  console.error('--n, --concurrency and --reps must be positive integers');
  process.exit(1);
}
const MODES = ['sequential', `concurrent ×${CONCURRENCY}`] as const;
type Mode = (typeof MODES)[number];

type Target = 'bot' | 'pong bot';

interface Run {
  p50: number;
  p99: number;
  perSecond: number;
  /** Valentina requests per interaction (health checks left out). */
  calls: number;
}

/** target → scenario → mode → one Run per repetition. */
const results = new Map<string, Run[]>();
const key = (target: Target, scenario: string, mode: Mode) => `${target}\u0000${scenario}\u0000${mode}`;
const record = (target: Target, scenario: string, mode: Mode, run: Run) => {
  const list = results.get(key(target, scenario, mode)) ?? [];
  list.push(run);
  results.set(key(target, scenario, mode), list);
};
/** Sequential requests of the bot's first repetition, per scenario, for the upstream replay. */
const sequentialRequests = new Map<string, RecordedRequest[][]>();
const warnings = new Set<string>();

async function measure(stack: Stack, scenario: Scenario, concurrency: number): Promise<Run & { requests: RecordedRequest[][] }> {
  const samples: number[] = [];
  const requests: RecordedRequest[][] = [];
  const logged = stack.fake.requests.length;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, N) }, async () => {
      while (next < N) {
        const before = stack.fake.requests.length;
        samples.push((await sendAndSee(stack, scenario, next++)).ms);
        // One interaction at a time: what the fake received meanwhile is this interaction's.
        if (concurrency === 1) requests.push(commandRequests(stack.fake, before).map(recorded));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const calls = commandRequests(stack.fake, logged).length / N;
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), perSecond: N / seconds, calls, requests };
}

async function warmUp(stack: Stack, scenario: Scenario): Promise<void> {
  for (let i = 0; i < WARM_UP; i++) {
    const { reply } = await sendAndSee(stack, scenario, i);
    if (i === 0 && scenario.png && !reply?.attachments.some((a) => a.contentType === 'image/png' || a.filename.endsWith('.png'))) {
      warnings.add(`${scenario.name}: the reply carried no PNG (${reply?.content || reply?.embeds[0]?.description || 'no text'})`);
    }
  }
}

async function startTarget(target: Target, stack: Stack): Promise<ChildProcess> {
  const { sim, guild } = stack;
  if (target === 'bot') {
    const registered = () => ['quickroll', 'stats'].every((name) => sim.commands({ guildId: guild.id }).some((c) => c.name === name));
    return startBotProcess(sim, [join(REPO_ROOT, 'dist/src/main.js')], stack.botEnv(await freePort()), registered);
  }
  await registerFloorCommands(stack, BOT_TOKEN, APPLICATION_ID);
  return startBotProcess(sim, ['--import', 'tsx', join(REPO_ROOT, 'scripts/pong-bot.ts')], { DISCORD_TOKEN: BOT_TOKEN, DISCORD_API_URL: sim.apiUrl });
}

async function benchTarget(target: Target, stack: Stack, rep: number): Promise<void> {
  const scenarios = target === 'bot' ? SCENARIOS : [FLOOR.command, FLOOR.autocomplete];
  const child = await startTarget(target, stack);
  try {
    for (const scenario of scenarios) {
      await warmUp(stack, scenario);
      const sequential = await measure(stack, scenario, 1);
      const concurrent = await measure(stack, scenario, CONCURRENCY);
      record(target, scenario.name, MODES[0], sequential);
      record(target, scenario.name, MODES[1], concurrent);
      if (target === 'bot' && rep === 0) sequentialRequests.set(scenario.name, sequential.requests);
    }
  } finally {
    const code = await stopProcess(child);
    if (code !== 0) warnings.add(`the ${target} exited with code ${code} after SIGTERM`);
  }
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

function report(upstreamP99: Map<string, number>): void {
  const rows: string[][] = [];
  const targets: Array<[Target, Scenario[]]> = [['pong bot', [FLOOR.command, FLOOR.autocomplete]], ['bot', SCENARIOS]];
  for (const [target, scenarios] of targets) {
    for (const scenario of scenarios) {
      for (const mode of MODES) {
        const runs = results.get(key(target, scenario.name, mode)) ?? [];
        rows.push([
          target, scenario.name, mode,
          formatSpread(spread(runs.map((r) => r.p50))),
          formatSpread(spread(runs.map((r) => r.p99))),
          spread(runs.map((r) => r.perSecond)).median.toFixed(0),
        ]);
      }
    }
  }
  printTable(
    `Injection → answer, ms: median (min–max) over ${REPS} repetitions of ${N} interactions per mode`,
    ['target', 'scenario', 'mode', 'p50', 'p99', 'interactions/s'],
    rows,
  );

  const ratios: string[][] = [];
  for (const scenario of SCENARIOS) {
    const floor = floorOf(scenario);
    const upstream = upstreamP99.get(scenario.name) ?? 0;
    for (const mode of MODES) {
      const own = results.get(key('bot', scenario.name, mode)) ?? [];
      const base = results.get(key('pong bot', floor.name, mode)) ?? [];
      const raw = spread(own.map((r, i) => r.p99 / (base[i]?.p99 ?? Number.NaN)));
      const net = spread(own.map((r, i) => r.p99 / ((base[i]?.p99 ?? Number.NaN) + upstream)));
      const calls = spread(own.map((r) => r.calls));
      const goalCalls = scenario.kind === 'write' ? '1' : scenario.kind === 'autocomplete' ? '0' : '';
      ratios.push([
        scenario.name, mode, floor.name,
        `${formatSpread(raw, 2)}×`,
        calls.median.toFixed(2), goalCalls,
        ms(upstream),
        `${formatSpread(net, 2)}×`,
        net.median <= GOAL_RATIO ? '✓' : '✗',
      ]);
    }
  }
  printTable(
    'Bot ÷ pong bot (p99 ratio within each repetition, median (min–max); upstream p99 = its Valentina requests replayed alone)',
    ['scenario', 'mode', 'floor', 'p99 ÷ floor p99', 'Valentina calls', 'goal calls', 'upstream p99', 'p99 ÷ (floor p99 + upstream p99)', `≤ ${GOAL_RATIO}`],
    ratios,
  );
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO_ROOT, 'dist/src/main.js'))) throw new Error('dist/src/main.js is missing: run `npm run build` first');
  console.log(`Benchmarking ${N} interactions per mode, ${REPS} repetitions (node ${process.version}, concurrency ${CONCURRENCY})`);
  const upstreamP99 = new Map<string, number>();
  for (const [rep, order] of interleavedOrder<Target>('pong bot', 'bot', REPS).entries()) {
    const started = performance.now();
    const stack = await startStack({ botToken: BOT_TOKEN, applicationId: APPLICATION_ID, redisPrefix: `bench-${rep}` });
    try {
      for (const target of order) await benchTarget(target, stack, rep);
      if (rep === 0) {
        // The bot is stopped now: replay what Valentina received, on the same fake.
        const names = SCENARIOS.map((s) => s.name);
        const waits = await upstreamWaits(stack.fake.url, names.map((name) => sequentialRequests.get(name) ?? []), CONCURRENCY);
        names.forEach((name, i) => upstreamP99.set(name, percentile(waits[i] ?? [], 99)));
      }
      for (const violation of stack.sim.violations.slice(0, 3)) warnings.add(`Discord rule violation: ${JSON.stringify(violation)}`);
    } finally {
      await stack.close();
    }
    console.log(`repetition ${rep + 1}/${REPS} (${order.join(' first, then ')}) took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  report(upstreamP99);
  for (const warning of warnings) console.warn(warning);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
