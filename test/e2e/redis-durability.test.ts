/**
 * The built bot refuses to start on a Redis that could lose its data (no persistence, an evicting
 * policy), with one line saying what is wrong and how to fix it; REDIS_ALLOW_VOLATILE=true starts it
 * anyway, with one warning and a note in /readyz; a Redis with AOF starts it quietly.
 * Each test starts its own bot process against its own Redis or key prefix, so they run side by side.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, it, type OnTestFinishedHandler } from 'vitest';
import type { RedisServerHandle } from '../../packages/sandbox/src/redis-server.js';
import { startRedisServerOnFreshPort } from '../support/ports.js';
import { BOT_ENTRY, startStack } from '../support/bot-process.js';

/**
 * Runs the bot against `redisUrl` until it exits by itself; Discord and Valentina cannot be reached (warnings of the start-up check).
 * `onTestFinished` is the test's own (its context's): the tests run concurrently.
 */
async function runUntilExit(redisUrl: string, onTestFinished: (fn: OnTestFinishedHandler) => void): Promise<{ code: number | null; stderr: string }> {
  const bot = spawn(process.execPath, [BOT_ENTRY], {
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DISCORD_TOKEN: 'durability-token',
      DISCORD_CLIENT_ID: '1180000000000000031',
      DISCORD_CLIENT_SECRET: 'secret',
      PUBLIC_URL: 'https://bot.example.org',
      VALENTINA_API_KEY: 'key',
      DISCORD_API_URL: 'http://127.0.0.1:9',
      VALENTINA_API_URL: 'http://127.0.0.1:9',
      REDIS_URL: redisUrl,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      // Any free port: the default (9464) would be taken by the other bot this file runs at the same time.
      OPS_HTTP_PORT: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  onTestFinished(() => void bot.kill('SIGKILL'));
  let stderr = '';
  bot.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const [code] = (await once(bot, 'exit')) as [number | null];
  return { code, stderr };
}

describe.concurrent('Redis durability at start-up', () => {
  let volatile: RedisServerHandle;
  let evicting: RedisServerHandle;
  beforeAll(async () => {
    [volatile, evicting] = await Promise.all([
      startRedisServerOnFreshPort({ appendOnly: false, args: ['--save', ''] }),
      startRedisServerOnFreshPort({ args: ['--maxmemory-policy', 'allkeys-lru'] }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([volatile?.stop(), evicting?.stop()]);
  });

  it('refuses a Redis without persistence: exit 1 and one line of the start-up report saying what to change', async ({ expect, onTestFinished }) => {
    const { code, stderr } = await runUntilExit(volatile.url, onTestFinished);
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe('Start-up check failed: fix what is marked FAIL, then start the bot again.');
    expect(lines.filter((line) => line.startsWith('  FAIL'))).toEqual([
      `  FAIL Redis: Redis may lose the bot's data: on 127.0.0.1:${volatile.port} persistence is off (appendonly no, save ""). ` +
        'Fix: run Redis with appendonly yes (or RDB save points), or set REDIS_ALLOW_VOLATILE=true to start anyway.',
    ]);
  });

  it('refuses an evicting maxmemory-policy even with AOF', async ({ expect, onTestFinished }) => {
    const { code, stderr } = await runUntilExit(evicting.url, onTestFinished);
    expect(code).toBe(1);
    expect(stderr).toContain(`on 127.0.0.1:${evicting.port} maxmemory-policy is allkeys-lru, which evicts keys. Fix: run Redis with maxmemory-policy noeviction`);
  });

  it('starts on a Redis without persistence when REDIS_ALLOW_VOLATILE=true, warns once and says so in /readyz', async ({ expect, onTestFinished }) => {
    const stack = await startStack({ redisUrl: volatile.url, env: { REDIS_ALLOW_VOLATILE: 'true' } });
    onTestFinished(() => stack.close());
    const ready = await fetch(`${stack.bot.opsUrl}/readyz`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; checks: Record<string, string> };
    expect(body.status).toBe('ready');
    expect(body.checks.redis_durability).toBe(`volatile: allowed by REDIS_ALLOW_VOLATILE (on 127.0.0.1:${volatile.port} persistence is off (appendonly no, save ""))`);
    expect(stack.bot.logs.filter((line) => line.includes('starting anyway because REDIS_ALLOW_VOLATILE=true'))).toHaveLength(1);
    expect((await (await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'ping' })).reply()).content).toContain('Pong');
  });

  it('starts quietly on a Redis with AOF (the test suite\'s own)', async ({ expect, onTestFinished }) => {
    const stack = await startStack();
    onTestFinished(() => stack.close());
    const body = (await (await fetch(`${stack.bot.opsUrl}/readyz`)).json()) as { checks: Record<string, string> };
    expect(body.checks.redis_durability).toBe('ok');
    expect(stack.bot.logs.filter((line) => line.includes('Redis may lose'))).toEqual([]);
  });
});
