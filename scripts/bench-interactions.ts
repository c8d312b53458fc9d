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
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { OptionValue, SlashCommandInput } from '../src/sandbox/discord-sim/index.js';
import { startRedisServer } from '../src/sandbox/redis-server.js';
import { GUILD_MEMBERS, REPO_ROOT, SIM_BOT_TOKEN, startStack, waitFor, type Stack } from '../test/support/bot-process.js';
import { percentile, printTable } from './bench-utils.js';

interface Scenario {
  name: string;
  command: string;
  options?: Record<string, OptionValue>;
  /** Whether the bare pong bot answers it too (only /ping). */
  baseline: boolean;
}

/** What gets benched. Later features add their commands here. */
const SCENARIOS: Scenario[] = [
  { name: '/ping', command: 'ping', baseline: true },
  { name: '/help', command: 'help', baseline: false },
  { name: '/help command:ping', command: 'help', options: { command: 'ping' }, baseline: false },
];

interface Figures {
  p50: number;
  p99: number;
  perSecond: number;
}

interface Row {
  target: string;
  scenario: string;
  mode: string;
  figures: Figures;
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

function inputFor(stack: Stack, scenario: Scenario, i: number): SlashCommandInput {
  const member = GUILD_MEMBERS[i % GUILD_MEMBERS.length] ?? 'mara';
  return { user: stack.users[member], guildId: stack.guild.id, command: scenario.command, ...(scenario.options ? { options: scenario.options } : {}) };
}

async function once(stack: Stack, scenario: Scenario, i: number): Promise<number> {
  const started = performance.now();
  const handle = await stack.sim.slashCommand(inputFor(stack, scenario, i));
  await handle.initialResponse();
  return performance.now() - started;
}

async function measure(stack: Stack, scenario: Scenario, concurrency: number): Promise<Figures> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, N) }, async () => {
      while (next < N) samples.push(await once(stack, scenario, next++));
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), perSecond: N / seconds };
}

async function benchTarget(target: string, stack: Stack, scenarios: Scenario[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const scenario of scenarios) {
    for (let i = 0; i < Math.min(20, N); i++) await once(stack, scenario, i); // warm-up
    rows.push({ target, scenario: scenario.name, mode: 'sequential', figures: await measure(stack, scenario, 1) });
    rows.push({ target, scenario: scenario.name, mode: `concurrent ×${CONCURRENCY}`, figures: await measure(stack, scenario, CONCURRENCY) });
  }
  return rows;
}

/** Starts scripts/pong-bot.ts against the stack's simulator; resolves once its gateway session is up. */
async function startPongBot(stack: Stack): Promise<ChildProcess> {
  const identifies = stack.sim.gateway.identifyCount;
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts/pong-bot.ts')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      DISCORD_TOKEN: SIM_BOT_TOKEN,
      DISCORD_API_URL: stack.sim.apiUrl,
      DISCORD_CLIENT_ID: stack.sim.applicationId,
      GUILD_ID: stack.guild.id,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  await waitFor('the pong bot to identify', 20_000, () => stack.sim.gateway.identifyCount > identifies || child.exitCode !== null);
  if (child.exitCode !== null) throw new Error(`pong bot exited with code ${child.exitCode}`);
  await stack.sim.gateway.waitForReady({ timeoutMs: 20_000 });
  return child;
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const stack = await startStack({ redisUrl: redis.url, sim: { heartbeatIntervalMs: 5_000 } });
  try {
    console.log(`Benchmarking ${N} interactions per run (node ${process.version}, pid of bot ${stack.bot.pid})`);
    const rows = await benchTarget('bot', stack, SCENARIOS);

    const exit = await stack.bot.stop('SIGTERM');
    if (exit.code !== 0) console.warn(`the bot exited with code ${exit.code} after the run`);

    const baseline: Row[] = [];
    if (existsSync(join(REPO_ROOT, 'scripts/pong-bot.ts'))) {
      const pong = await startPongBot(stack);
      try {
        baseline.push(...(await benchTarget('pong-bot', stack, SCENARIOS.filter((s) => s.baseline))));
      } finally {
        pong.kill('SIGTERM');
      }
    } else {
      console.warn('scripts/pong-bot.ts is missing: no baseline');
    }

    printTable(
      'Injection → initial response',
      ['target', 'scenario', 'mode', 'p50', 'p99', 'interactions/s'],
      [...rows, ...baseline].map((r) => [r.target, r.scenario, r.mode, fmt(r.figures.p50), fmt(r.figures.p99), r.figures.perSecond.toFixed(0)]),
    );
    if (baseline.length > 0) {
      printTable(
        'Bot ÷ pong-bot (1.00 = no overhead; throughput ratio < 1 means slower)',
        ['scenario', 'mode', 'p50 ×', 'p99 ×', 'throughput ×'],
        baseline.flatMap((base) => {
          const own = rows.find((r) => r.scenario === base.scenario && r.mode === base.mode);
          if (!own) return [];
          return [[base.scenario, base.mode, (own.figures.p50 / base.figures.p50).toFixed(2), (own.figures.p99 / base.figures.p99).toFixed(2), (own.figures.perSecond / base.figures.perSecond).toFixed(2)]];
        }),
      );
    }
    if (stack.sim.violations.length > 0) {
      console.warn(`\n${stack.sim.violations.length} Discord rule violations, e.g. ${JSON.stringify(stack.sim.violations.slice(0, 3))}`);
    }
  } finally {
    await stack.close();
    await redis.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
