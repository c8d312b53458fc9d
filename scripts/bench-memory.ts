/**
 * Memory and queue latency of the built bot: resident memory (VmRSS) idle and after many /ping
 * interactions, and the time from enqueueing a channel delivery to the message reaching Discord.
 *
 *   npm run build && npx tsx scripts/bench-memory.ts [--n 10000] [--deliveries 200]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DeliveryQueue } from '../src/queue/deliveries.js';
import { createQueueConnection, queuePrefix } from '../src/queue/connection.js';
import { startDiscordSimulator } from '../src/sandbox/discord-sim/index.js';
import { startFakeValentina } from '../src/sandbox/fake-valentina/index.js';
import { freePort, startRedisServer } from '../src/sandbox/redis-server.js';
import { percentile, printTable } from './bench-utils.js';

const { values } = parseArgs({ options: { n: { type: 'string', default: '10000' }, deliveries: { type: 'string', default: '200' } } });
const N = Number(values.n);
const DELIVERIES = Number(values.deliveries);
const CONCURRENCY = 32;
const BOT_TOKEN = 'bench-memory-token';
const APPLICATION_ID = '1180000000000000003';
const PREFIX = 'bench-memory';

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  if (!line) throw new Error(`no VmRSS for process ${pid}`);
  return Number(line.replace(/\D+/g, '')) / 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const sim = await startDiscordSimulator({ botToken: BOT_TOKEN, applicationId: APPLICATION_ID, clientSecret: 'secret' });
  const fake = await startFakeValentina({ discordApiUrl: sim.apiUrl });
  const user = sim.addUser({ username: 'bencher' });
  const guild = sim.addGuild({ name: 'Bench', ownerId: user.id });
  let bot: ChildProcess | undefined;
  try {
    const port = await freePort();
    bot = spawn(process.execPath, [join(import.meta.dirname, '../dist/src/main.js')], {
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'production',
        DISCORD_TOKEN: BOT_TOKEN,
        DISCORD_API_URL: sim.apiUrl,
        DISCORD_CLIENT_ID: APPLICATION_ID,
        DISCORD_CLIENT_SECRET: 'secret',
        VALENTINA_API_URL: fake.url,
        VALENTINA_API_KEY: fake.apiKey,
        REDIS_URL: redis.url,
        REDIS_PREFIX: PREFIX,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(port),
        REGISTER_COMMANDS: `guild:${guild.id}`,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const deadline = Date.now() + 30_000;
    while (sim.commands({ guildId: guild.id }).length === 0) {
      if (Date.now() > deadline || bot.exitCode !== null) throw new Error('the bot did not register its commands');
      await sleep(50);
    }
    await sim.gateway.waitForReady({ timeoutMs: 20_000 });
    const pid = bot.pid!;

    // A few warm-up interactions load the lazily imported code, then let the heap settle.
    for (let i = 0; i < 20; i += 1) await (await sim.slashCommand({ user, guildId: guild.id, command: 'ping' })).initialResponse();
    await sleep(2_000);
    const idle = rssMb(pid);

    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < N) {
          next += 1;
          await (await sim.slashCommand({ user, guildId: guild.id, command: 'ping' })).initialResponse();
        }
      }),
    );
    const seconds = (performance.now() - started) / 1_000;
    await sleep(2_000);
    const after = rssMb(pid);

    // Queue latency: enqueue → the worker's message reaches the simulator.
    const connection = createQueueConnection(redis.url);
    const queue = new DeliveryQueue({ connection, prefix: queuePrefix(PREFIX) });
    const latencies: number[] = [];
    try {
      let sentCount = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (sentCount < DELIVERIES) {
            const i = sentCount++;
            const content = `bench delivery ${i}`;
            const sent = performance.now();
            const arrived = sim.waitForMessage({ channelId: guild.defaultChannelId, predicate: (m) => m.content === content, timeoutMs: 60_000 });
            await queue.enqueue(`bench-${i}`, { kind: 'channel', channelId: guild.defaultChannelId, message: { content } });
            await arrived;
            latencies.push(performance.now() - sent);
          }
        }),
      );
    } finally {
      await queue.close();
      connection.disconnect();
    }

    printTable(
      `Bot process memory (VmRSS) and queue latency (node ${process.version})`,
      ['figure', 'value'],
      [
        ['idle RSS', `${idle.toFixed(1)} MB`],
        [`RSS after ${N} × /ping`, `${after.toFixed(1)} MB`],
        ['growth', `${(((after - idle) / idle) * 100).toFixed(1)} %`],
        ['/ping throughput', `${(N / seconds).toFixed(0)} interactions/s`],
        [`delivery latency p50 (${DELIVERIES}, 8 in flight)`, `${percentile(latencies, 50).toFixed(1)} ms`],
        ['delivery latency p99', `${percentile(latencies, 99).toFixed(1)} ms`],
      ],
    );
  } finally {
    if (bot && bot.exitCode === null) {
      const exited = new Promise((r) => bot!.once('exit', r));
      bot.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
      bot.kill('SIGKILL');
    }
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
