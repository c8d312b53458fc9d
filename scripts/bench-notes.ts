/**
 * Notes by DM: latency from a user's DM to what they see — the 📝 reaction (the message is kept) and
 * the confirmation with its buttons (the note is saved in Valentina) — with the built bot on the
 * Discord simulator, the fake Valentina (20–40 ms of latency) and a private Redis.
 *
 *   npm run build && npx tsx scripts/bench-notes.ts [--n 30] [--quiet 4000,250]
 *
 * The confirmation waits for the burst to be quiet (NOTES_BURST_QUIET_MS, 4 s by default), so each
 * quiet setting is run separately and the time beyond the quiet gap ("overhead") is printed too.
 * Three users write in parallel, each one DM after the other's confirmation (no bursts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startDiscordSimulator, type DiscordSimulator, type SimUser } from '../packages/sandbox/src/discord-sim/index.js';
import { startFakeValentina } from '../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS } from '../packages/sandbox/src/fixture.js';
import { freePort, startRedisServer } from '../packages/sandbox/src/redis-server.js';
import { percentile, printTable, REPO_ROOT, startBotProcess, stopProcess } from './bench-utils.js';
import { addLatency } from './bench-valentina.js';

const BOT_TOKEN = 'bench-bot-token';
const APPLICATION_ID = '1180000000000000003';
const WRITERS = ['viktor', 'celeste', 'bastien'] as const;

const { values } = parseArgs({ options: { n: { type: 'string', default: '30' }, quiet: { type: 'string', default: '4000,250' } } });
const N = Math.max(3, Number(values.n));
const QUIETS = values.quiet.split(',').map(Number).filter((q) => q >= 250 && q <= 60_000);

interface Samples {
  reaction: number[];
  confirmation: number[];
}

async function until(probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!probe()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 1));
  }
}

async function writer(sim: DiscordSimulator, user: SimUser, count: number, tag: string, samples: Samples): Promise<void> {
  for (let i = 0; i < count; i++) {
    const title = `Bench ${tag} ${user.username} ${i}`;
    const started = performance.now();
    const confirmed = sim.waitForMessage({ dmUserId: user.id, timeoutMs: 70_000, predicate: (m) => m.embeds[0]?.title === `📝 ${title}` });
    const dm = await sim.sendDM(user, `${title}\nA line of content for the benchmark.`);
    await until(() => (sim.reactions(dm.id).get('📝') ?? []).length > 0, 10_000);
    samples.reaction.push(performance.now() - started);
    await confirmed;
    samples.confirmation.push(performance.now() - started);
  }
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO_ROOT, 'dist/src/main.js'))) throw new Error('dist/src/main.js is missing: run `npm run build` first');
  const redis = await startRedisServer();
  const sim = await startDiscordSimulator({ botToken: BOT_TOKEN, applicationId: APPLICATION_ID, heartbeatIntervalMs: 5_000 });
  const fake = await startFakeValentina({ discordApiUrl: sim.apiUrl, rateLimits: false });
  addLatency(fake);
  const users = WRITERS.map((name) => sim.addUser({ id: FIXTURE_IDS.users[name].discordId ?? undefined, username: name }));
  const rows: string[][] = [];
  try {
    for (const quiet of QUIETS) {
      const httpPort = await freePort();
      const bot = await startBotProcess(sim, [join(REPO_ROOT, 'dist/src/main.js')], {
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_API_URL: sim.apiUrl,
        DISCORD_CLIENT_ID: APPLICATION_ID,
        DISCORD_CLIENT_SECRET: 'sim-client-secret',
        PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
        VALENTINA_API_URL: fake.url,
        VALENTINA_API_KEY: fake.apiKey,
        REDIS_URL: redis.url,
        REDIS_PREFIX: `bench-notes-${quiet}`,
        REDIS_ALLOW_VOLATILE: 'true',
        VALENTINA_RATE_LIMIT: '100000/1',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(httpPort),
        OPS_HTTP_PORT: '0',
        LOG_LEVEL: 'warn',
        NOTES_BURST_QUIET_MS: String(quiet),
      });
      const samples: Samples = { reaction: [], confirmation: [] };
      const perWriter = Math.ceil(N / users.length);
      const started = performance.now();
      await Promise.all(users.map((user) => writer(sim, user, perWriter, String(quiet), samples)));
      const seconds = (performance.now() - started) / 1000;
      const code = await stopProcess(bot);
      if (code !== 0) console.warn(`the bot exited with code ${code} after SIGTERM`);
      const ms = (v: number) => `${v.toFixed(1)} ms`;
      const overhead = samples.confirmation.map((v) => v - quiet);
      rows.push([
        `${quiet} ms`,
        String(samples.confirmation.length),
        `${ms(percentile(samples.reaction, 50))} / ${ms(percentile(samples.reaction, 99))}`,
        `${ms(percentile(samples.confirmation, 50))} / ${ms(percentile(samples.confirmation, 99))}`,
        `${ms(percentile(overhead, 50))} / ${ms(percentile(overhead, 99))}`,
        (samples.confirmation.length / seconds).toFixed(2),
      ]);
    }
    printTable(
      `Notes by DM (node ${process.version}, ${users.length} users writing in parallel)`,
      ['quiet gap', 'notes', 'DM → 📝 p50 / p99', 'DM → confirmation p50 / p99', 'beyond the quiet gap p50 / p99', 'notes/s'],
      rows,
    );
    if (sim.violations.length > 0) console.warn('simulator violations:', sim.violations);
  } finally {
    await fake.close();
    await sim.close();
    await redis.stop();
  }
}

await main();
