/**
 * Approval request benchmark: latency from enqueueing to the approval message reaching the Discord
 * simulator (p50/p99) and throughput of the approval worker, run in-process (worker role of the real
 * app) against the simulator, the fake Valentina (20–40 ms of latency, its rate limits off, so the
 * bot is what is measured) and a private redis-server. Discord's global limit of 50 requests/s
 * (enforced by @discordjs/rest) bounds the throughput.
 *
 *   npx tsx scripts/bench-approvals.ts [--n 1000]
 */
import { randomUUID } from 'node:crypto';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startDiscordSimulator, type SimMessage } from '../packages/sandbox/src/discord-sim/index.js';
import { startFakeValentina } from '../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS } from '../packages/sandbox/src/fixture.js';
import { freePort, startRedisServer } from '../packages/sandbox/src/redis-server.js';
import { percentile, printTable } from './bench-utils.js';
import { addLatency } from './bench-valentina.js';

const n = Number(process.argv[process.argv.indexOf('--n') + 1]) || 1000;
const chicago = FIXTURE_IDS.companies.chicago;
const token = 'bench-approvals-token';
const applicationId = '1180000000000000077';

async function main(): Promise<void> {
  const redis = await startRedisServer();
  const sim = await startDiscordSimulator({ botToken: token, applicationId });
  const fake = await startFakeValentina({ rateLimits: false, discordApiUrl: sim.apiUrl });
  addLatency(fake);
  const guild = sim.addGuild({ name: 'Bench by Night' });
  const prefix = `bench-${randomUUID().slice(0, 8)}`;
  const httpPort = await freePort();
  const config = loadConfig({
    DISCORD_TOKEN: token,
    DISCORD_API_URL: sim.apiUrl,
    DISCORD_CLIENT_ID: applicationId,
    DISCORD_CLIENT_SECRET: 'bench-secret',
    PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
    VALENTINA_API_URL: fake.url,
    VALENTINA_API_KEY: fake.apiKey,
    REDIS_URL: redis.url,
    REDIS_PREFIX: prefix,
    HTTP_PORT: String(httpPort),
    BOT_ROLES: 'worker',
    LOG_LEVEL: 'error',
    // The bench's Redis keeps nothing on disk; a bot that checks for durability at start-up is told that is fine.
    REDIS_ALLOW_VOLATILE: 'true',
    VALENTINA_RATE_LIMIT: '100000/1',
  });
  const app = createApp(config, createLogger('error'));
  await app.start();
  await app.deps.redis.ping();
  await app.deps.bindings.set({
    guildId: guild.id, companyId: chicago, companyName: 'Chicago by Night', approvalsChannelId: guild.defaultChannelId,
    defaultCampaignId: null, defaultCampaignName: null, auditChannelId: null, updatedBy: guild.ownerId,
  });

  const users = Array.from({ length: n }, (_, i) =>
    fake.store.createUser({ company_id: chicago, username: `applicant-${String(i).padStart(4, '0')}`, email: `a${i}@example.net`, role: 'UNAPPROVED' }),
  );
  // A request is done when its message reaches the simulator (what the approvers see), not when the job
  // completes. One waiter at a time takes the messages as they arrive (in any order).
  const applicant = (m: SimMessage) => m.embeds[0]?.fields?.find((f) => f.name === 'Valentina username')?.value ?? '';
  const expected = new Map<string, (arrivedAt: number) => void>();
  const arrival = (username: string) => new Promise<number>((resolve) => expected.set(username, resolve));
  let collecting = true;
  const collector = (async () => {
    while (collecting) {
      const message = await sim.waitForMessage({ channelId: guild.defaultChannelId, timeoutMs: 10 * 60_000, predicate: (m) => expected.has(applicant(m)) });
      const arrivedAt = performance.now();
      expected.get(applicant(message))?.(arrivedAt);
      expected.delete(applicant(message));
    }
  })();
  collector.catch(() => {
    console.error(`timed out: ${expected.size} approval messages never reached the channel`);
    process.exit(1);
  });

  const queue = app.deps.approvals;
  const latencies: number[] = [];
  let lastDone = 0;
  const started = performance.now();
  const arrivals: Array<Promise<void>> = [];
  for (const user of users) {
    const at = performance.now();
    arrivals.push(
      arrival(user.username).then((arrivedAt) => {
        lastDone = Math.max(lastDone, arrivedAt);
        latencies.push(arrivedAt - at);
      }),
    );
    await queue.enqueue({ companyId: chicago, userId: user.id });
  }
  const enqueueMs = performance.now() - started;
  await Promise.all(arrivals);

  // Unloaded latency: one request at a time, paced at 20 a second, so nothing waits behind the
  // 50 requests a second that Discord's global limit allows the bot (posted back to back, the requests
  // would run into it every 50 and queue for the next second).
  const single: number[] = [];
  await new Promise((resolve) => setTimeout(resolve, 1_000)); // the burst's rate-limit window closes
  for (let i = 0; i < 100; i += 1) {
    const paced = new Promise((resolve) => setTimeout(resolve, 50));
    const user = fake.store.createUser({ company_id: chicago, username: `single-${String(i).padStart(3, '0')}`, email: `s${i}@example.net`, role: 'UNAPPROVED' });
    const at = performance.now();
    const arrived = arrival(user.username);
    await queue.enqueue({ companyId: chicago, userId: user.id });
    single.push((await arrived) - at);
    await paced;
  }

  const ours = new Set(users.map((u) => u.username));
  const posted = sim.channelMessages(guild.defaultChannelId).filter((m) => ours.has(applicant(m)));
  const seconds = (lastDone - started) / 1000;
  printTable(`Approval requests: ${n} enqueued (in ${enqueueMs.toFixed(0)} ms), worker concurrency 4`, ['metric', 'value'], [
    ['enqueue → in the channel p50', `${percentile(latencies, 50).toFixed(1)} ms`],
    ['enqueue → in the channel p99', `${percentile(latencies, 99).toFixed(1)} ms`],
    ['throughput', `${(n / seconds).toFixed(1)} jobs/s`],
    ['one at a time p50 (100 requests, 20/s)', `${percentile(single, 50).toFixed(1)} ms`],
    ['one at a time p99 (100 requests, 20/s)', `${percentile(single, 99).toFixed(1)} ms`],
    ['messages posted', `${posted.length} (expected ${n})`],
    ['simulator violations', String(sim.violations.length)],
  ]);

  collecting = false;
  await app.stop();
  await fake.close();
  await sim.close();
  await redis.stop();
  process.exit(posted.length !== n || sim.violations.length > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
