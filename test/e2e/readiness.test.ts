/**
 * What an orchestrator reads from a worker process (BOT_ROLES=worker,http) while it starts: `/healthz` says it is
 * alive as soon as the ops server listens, `/readyz` says not ready until the start-up check has finished and the
 * queue workers run. The start-up check is held on the fake Valentina's answer to `GET /developers/me` (a `hold`
 * fault the test releases), so "still running" is a state the test controls, not a guess about how long it takes.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import type { DiscordSimulator } from '../../packages/sandbox/src/discord-sim/api.js';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { createKeyspace } from '../../src/keyspace.js';
import { DeliveryQueue } from '../../src/queue/deliveries.js';
import { ChildBot, SIM_APPLICATION_ID, SIM_BOT_TOKEN, SIM_CLIENT_SECRET, START_TIMEOUT_MS, waitFor, upstreamEnv } from '../support/bot-process.js';
import { botPorts } from '../support/ports.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

interface Readiness {
  status: number;
  body: { status: string; failed?: string[]; checks: Record<string, string> };
}

async function readyz(bot: ChildBot): Promise<Readiness> {
  const response = await fetch(`${bot.opsUrl}/readyz`);
  return { status: response.status, body: (await response.json()) as Readiness['body'] };
}

let sim: DiscordSimulator;
let fake: FakeValentina;

beforeAll(async () => {
  sim = await startDiscordSimulator({ botToken: SIM_BOT_TOKEN, applicationId: SIM_APPLICATION_ID, clientSecret: SIM_CLIENT_SECRET });
  fake = await startFakeValentina({ discordApiUrl: sim.apiUrl });
});

afterAll(async () => {
  await Promise.all([sim?.close(), fake?.close()]);
});

describe('a worker process starting up', () => {
  it('is alive but not ready while its start-up check runs, and ready — taking jobs — once it finished and its queue workers run', async (t) => {
    const prefix = uniquePrefix('readiness');
    const ports = await botPorts();
    const env: Record<string, string> = {
      ...upstreamEnv(sim, fake),
      REDIS_URL: redisUrl(),
      REDIS_PREFIX: prefix,
      BOT_ROLES: 'worker,http',
      HTTP_HOST: '127.0.0.1',
      ...ports,
      LOG_LEVEL: 'info',
    };
    sim.application.redirectUris.push(`${env.PUBLIC_URL}/oauth/discord/callback`);

    // Ready before the bot starts, so that little happens while the check waits (it gives up after 5 s).
    const connection = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    const deliveries = new DeliveryQueue({ connection, prefix: createKeyspace(prefix).queuePrefix });
    t.onTestFinished(async () => {
      await deliveries.close();
      await connection.quit();
    });
    await deliveries.queue.waitUntilReady();
    const guild = sim.addGuild({ name: 'Readiness' });

    // The start-up check asks Valentina who the key belongs to; that answer waits until the test lets it go.
    const release = fake.faults.hold({ method: 'GET', path: '/developers/me' });
    t.onTestFinished(() => release());
    const held = () => fake.requests.some((r) => r.path.endsWith('/developers/me') && r.status === null);
    const bot = new ChildBot(env, () => waitFor('the start-up check to ask Valentina', START_TIMEOUT_MS, held));
    t.onTestFinished(async () => void (await bot.stop('SIGKILL')));
    await bot.start(START_TIMEOUT_MS);

    // Alive: a process busy starting is not one to restart.
    expect((await fetch(`${bot.opsUrl}/healthz`)).status).toBe(200);
    // Not ready: the check is still waiting for Valentina, and no queue worker runs yet.
    const starting = await readyz(bot);
    expect(starting.status).toBe(503);
    expect(starting.body.failed).toEqual(expect.arrayContaining(['startup_check', 'workers']));
    expect(starting.body.checks.startup_check).toBe('still running');
    expect(starting.body.checks.workers).toBe('not started yet');
    // A delivery enqueued meanwhile waits for a worker.
    await deliveries.enqueue('readiness:1', { kind: 'channel', channelId: guild.defaultChannelId, message: { content: 'posted once a worker runs' } });
    expect(sim.channelMessages(guild.defaultChannelId)).toHaveLength(0);

    release();
    await waitFor('/readyz to answer ready', START_TIMEOUT_MS, async () => (await readyz(bot)).status === 200);
    const ready = await readyz(bot);
    expect(ready.body.checks).toMatchObject({ startup_check: 'ok', workers: 'ok' });
    // The check got Valentina's (held) answer: it was running from the hold until the release, so the 503 above
    // was answered while it ran (had it given up waiting, it would report "could not be asked").
    const report = bot.logs.find((line) => line.includes('"msg":"start-up check'));
    expect(report).toContain('ok   Valentina API key: valid');
    await waitFor('the delivery to be posted', START_TIMEOUT_MS, () => sim.channelMessages(guild.defaultChannelId).length > 0);
    expect(sim.channelMessages(guild.defaultChannelId).map((m) => m.content)).toEqual(['posted once a worker runs']);
  });
});
