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
import { startDiscordSimulator, type DiscordSimulator, type OptionValue, type SimGuild, type SimUser, type SlashCommandInput } from '../src/sandbox/discord-sim/index.js';
import { startFakeValentina } from '../src/sandbox/fake-valentina/index.js';
import { FIXTURE_IDS } from '../src/sandbox/fixture.js';
import { freePort, startRedisServer } from '../src/sandbox/redis-server.js';
import { Redis } from 'ioredis';
import { GuildBindingStore } from '../src/identity/guild-binding.js';
import { percentile, printTable, REPO_ROOT, startBotProcess, stopProcess } from './bench-utils.js';

const BOT_TOKEN = 'bench-bot-token';
const APPLICATION_ID = '1180000000000000002';
const MEMBERS = ['viktor', 'celeste', 'mara', 'bastien'] as const;

interface Stack {
  sim: DiscordSimulator;
  guild: SimGuild;
  users: SimUser[];
}

interface Scenario {
  name: string;
  command: string;
  options?: Record<string, OptionValue>;
  /** Whether the bare pong bot answers it too (only /ping). */
  baseline: boolean;
  /** Index into MEMBERS of the user who runs it; default: rotate through all. */
  as?: number;
  subcommand?: string;
  /** Bench the autocomplete of this option (until the choices arrive) instead of running the command. */
  focused?: string;
  /** Measure until the visible reply (e.g. a deferred dice embed), not just the initial response. */
  untilReply?: boolean;
}

/** What gets benched. Later features add their commands here. */
const SCENARIOS: Scenario[] = [
  { name: '/ping', command: 'ping', baseline: true },
  { name: '/help', command: 'help', baseline: false },
  { name: '/help command:ping', command: 'help', options: { command: 'ping' }, baseline: false },
  // celeste (storyteller) grants bastien 1 XP: one Valentina write per interaction on a warm cache.
  { name: '/xp add', command: 'xp', subcommand: 'add', options: { user: FIXTURE_IDS.users.bastien.discordId!, amount: 1 }, baseline: false, as: 1 },
  { name: '/xp show', command: 'xp', subcommand: 'show', options: {}, baseline: false, as: 2 },
  { name: '/quickroll run', command: 'quickroll', subcommand: 'run', options: { quickroll: FIXTURE_IDS.quickrolls.shoot }, baseline: false, as: 2 },
  // mara rolls Shoot for Lucien: P3 sheet read + R1 roll per interaction; measured until the dice embed shows.
  { name: '/quickroll run → dice embed', command: 'quickroll', subcommand: 'run', options: { quickroll: FIXTURE_IDS.quickrolls.shoot, comment: 'bench' }, untilReply: true, baseline: false, as: 2 },
  // Autocomplete answers from the Redis caches (no Valentina call once warm).
  { name: '/quickroll run · quickroll autocomplete', command: 'quickroll', subcommand: 'run', options: { quickroll: 'sh' }, focused: 'quickroll', baseline: false, as: 2 },
  { name: '/quickroll run · character autocomplete', command: 'quickroll', subcommand: 'run', options: { quickroll: FIXTURE_IDS.quickrolls.shoot, character: 'lu' }, focused: 'character', baseline: false, as: 2 },
  { name: '/quickroll create · traits autocomplete', command: 'quickroll', subcommand: 'create', options: { name: 'Bench', traits: 'Strength, b' }, focused: 'traits', baseline: false, as: 2 },
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
  const user = stack.users[scenario.as ?? i % stack.users.length] as SimUser;
  return {
    user,
    guildId: stack.guild.id,
    command: scenario.command,
    ...(scenario.subcommand ? { subcommand: scenario.subcommand } : {}),
    ...(scenario.options ? { options: scenario.options } : {}),
  };
}

async function once(stack: Stack, scenario: Scenario, i: number): Promise<number> {
  const started = performance.now();
  if (scenario.focused) {
    await stack.sim.autocomplete({ ...inputFor(stack, scenario, i), focused: scenario.focused });
    return performance.now() - started;
  }
  const handle = await stack.sim.slashCommand(inputFor(stack, scenario, i));
  await (scenario.untilReply ? handle.reply() : handle.initialResponse());
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

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;

async function main(): Promise<void> {
  const botEntry = join(REPO_ROOT, 'dist/src/main.js');
  if (!existsSync(botEntry)) throw new Error('dist/src/main.js is missing: run `npm run build` first');
  const redis = await startRedisServer();
  const sim = await startDiscordSimulator({ botToken: BOT_TOKEN, applicationId: APPLICATION_ID, heartbeatIntervalMs: 5_000 });
  const fake = await startFakeValentina({ discordApiUrl: sim.apiUrl, rateLimits: false });
  const users = MEMBERS.map((name) => sim.addUser({ id: FIXTURE_IDS.users[name].discordId ?? undefined, username: name }));
  const guild = sim.addGuild({ name: 'Chicago by Night', ownerId: users[0]?.id });
  for (const user of users.slice(1)) sim.addMember(guild.id, user.id);
  const stack: Stack = { sim, guild, users };
  const redisClient = new Redis(redis.url);
  await new GuildBindingStore(redisClient, 'bench').set({
    guildId: guild.id,
    companyId: FIXTURE_IDS.companies.chicago,
    companyName: 'Chicago by Night',
    approvalsChannelId: guild.defaultChannelId,
    defaultCampaignId: FIXTURE_IDS.campaigns.main,
    defaultCampaignName: 'Requiem for the Loop',
    auditChannelId: null,
    updatedBy: users[0]!.id,
  });
  await redisClient.quit();
  const port = await freePort();
  let bot: ChildProcess | undefined;
  try {
    bot = await startBotProcess(
      stack.sim,
      [botEntry],
      {
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_API_URL: sim.apiUrl,
        DISCORD_CLIENT_ID: APPLICATION_ID,
        DISCORD_CLIENT_SECRET: 'sim-client-secret',
        VALENTINA_API_URL: fake.url,
        VALENTINA_API_KEY: fake.apiKey,
        REDIS_URL: redis.url,
        REDIS_PREFIX: 'bench',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(port),
        REGISTER_COMMANDS: `guild:${guild.id}`,
        LOG_LEVEL: 'warn',
      },
      () => sim.commands({ guildId: guild.id }).length > 0,
    );
    console.log(`Benchmarking ${N} interactions per run (node ${process.version}, concurrency ${CONCURRENCY})`);
    const rows = await benchTarget('bot', stack, SCENARIOS);
    const code = await stopProcess(bot);
    if (code !== 0) console.warn(`the bot exited with code ${code} after SIGTERM`);

    const baseline: Row[] = [];
    const pongBot = join(REPO_ROOT, 'scripts/pong-bot.ts');
    if (existsSync(pongBot)) {
      const pong = await startBotProcess(stack.sim, ['--import', 'tsx', pongBot], {
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_API_URL: sim.apiUrl,
      });
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
    await sim.close();
    await fake.close();
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
