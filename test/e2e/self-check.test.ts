/**
 * The start-up check of the built bot (src/self-check.ts) against the simulated Discord, the fake Valentina
 * and real Redis servers: one report per start, a process that stops with that report on stderr for each
 * misconfiguration that leaves the bot useless, one warning for those it can run with — and never a secret.
 * Each test starts its own bot process on its own ports and key prefix, so they run side by side (a few
 * processes at a time); the one that changes the Discord application has a simulator of its own.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, it, vi, type TestContext } from 'vitest';
import { startDiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import type { DiscordSimulator } from '../../packages/sandbox/src/discord-sim/api.js';
import { startFakeValentina, type FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { freePort, type RedisServerHandle } from '../../packages/sandbox/src/redis-server.js';
import { moveTakenPort, PORT_ATTEMPTS, startRedisServerOnFreshPort } from '../support/ports.js';
import { BOT_ENTRY, ChildBot, SIM_APPLICATION_ID, SIM_BOT_TOKEN, SIM_CLIENT_SECRET, waitFor, upstreamEnv } from '../support/bot-process.js';
import { redisUrl, uniquePrefix } from '../support/redis.js';

const CALLBACK = '/oauth/discord/callback';

let sim: DiscordSimulator;
let fake: FakeValentina;
let volatile: RedisServerHandle;

beforeAll(async () => {
  sim = await startDiscordSimulator({ botToken: SIM_BOT_TOKEN, applicationId: SIM_APPLICATION_ID, clientSecret: SIM_CLIENT_SECRET, heartbeatIntervalMs: 1_000 });
  fake = await startFakeValentina({ discordApiUrl: sim.apiUrl });
  volatile = await startRedisServerOnFreshPort({ appendOnly: false, args: ['--save', ''] });
});

afterAll(async () => {
  await Promise.all([sim?.close(), fake?.close(), volatile?.stop()]);
});

/**
 * A working configuration on fresh ports, its redirect registered with the application; `overrides` breaks it.
 * `discord` is the simulator it uses: the shared one unless a test changes the application.
 */
async function configuration(overrides: Record<string, string | undefined> = {}, discord: DiscordSimulator = sim): Promise<Record<string, string>> {
  const httpPort = await freePort();
  const env: Record<string, string | undefined> = {
    ...upstreamEnv(discord, fake),
    REDIS_URL: redisUrl(),
    REDIS_PREFIX: uniquePrefix('self-check'),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
    OPS_HTTP_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
    ...overrides,
  };
  if (env.PUBLIC_URL) discord.application.redirectUris.push(`${env.PUBLIC_URL}${CALLBACK}`);
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

// At most three tests (so three bot processes) at once: each start-up is mostly CPU (loading the bot), which a
// 2-core machine busy with other runs has little of. Vitest's own limit, so a test's time starts with its turn.
vi.setConfig({ maxConcurrency: 3 });

/** A PUBLIC_URL moved with its port (test/support/ports.ts) is registered like the first one, on the shared simulator. */
const registerMovedRedirect = (env: Record<string, string>) => {
  if (env.PUBLIC_URL && env.DISCORD_API_URL === sim.apiUrl) sim.application.redirectUris.push(`${env.PUBLIC_URL}${CALLBACK}`);
};

/**
 * Runs the bot until it exits by itself (a refused start-up); everything it printed, by stream. A start that failed
 * because its port was taken in the meantime is run again on a fresh one.
 */
async function runUntilExit(t: TestContext, env: Record<string, string>): Promise<{ code: number | null; stderr: string; stdout: string }> {
  for (let attempt = 1; ; attempt += 1) {
    const bot = spawn(process.execPath, [BOT_ENTRY], { env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    t.onTestFinished(() => void bot.kill('SIGKILL'));
    let stderr = '';
    let stdout = '';
    bot.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    bot.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    // 'close': after the exit and everything it printed.
    await once(bot, 'close');
    const code = bot.exitCode;
    if (attempt < PORT_ATTEMPTS && code === 1 && (await moveTakenPort(env, stdout.split('\n')))) {
      registerMovedRedirect(env);
      continue;
    }
    return { code, stderr, stdout };
  }
}

/** Starts the bot and waits for its start-up report; the bot keeps running until the test ends. */
async function startUntilReport(t: TestContext, env: Record<string, string>): Promise<{ bot: ChildBot; report: { level: number; msg: string; checks: Record<string, string> } }> {
  const isReport = (line: string) => line.includes('"msg":"start-up check');
  const bot: ChildBot = new ChildBot(env, (): Promise<void> => waitFor('the start-up check report', 20_000, () => bot.logs.some(isReport)), { onPortsMoved: registerMovedRedirect });
  t.onTestFinished(async () => void (await bot.stop('SIGKILL')));
  await bot.start(20_000);
  const reports = bot.logs.filter(isReport);
  t.expect(reports).toHaveLength(1);
  return { bot, report: JSON.parse(reports[0]!) as { level: number; msg: string; checks: Record<string, string> } };
}

const SECRETS = [SIM_BOT_TOKEN, SIM_CLIENT_SECRET, 'fake-valentina-key'];
const expectNoSecret = (t: TestContext, text: string) => {
  for (const secret of SECRETS) t.expect(text).not.toContain(secret);
};

describe.concurrent('the start-up check', () => {
  it('reports once what works, with the bot, the application and the companies the key reaches, and no secret', async (t) => {
    const { expect } = t;
    const env = await configuration({ LOG_LEVEL: 'info' });
    const { bot, report } = await startUntilReport(t, env);
    expect(report.msg.split('\n')).toEqual([
      'start-up check: everything the bot needs works',
      `ok   Discord token: valid: the bot is bot (id ${SIM_APPLICATION_ID}).`,
      `ok   Discord application: "bot" (${SIM_APPLICATION_ID}) matches DISCORD_CLIENT_ID.`,
      `ok   OAuth redirect registered: ${env.PUBLIC_URL}${CALLBACK} is registered with Discord.`,
      `ok   OAuth redirect reachable: ${env.PUBLIC_URL}${CALLBACK} answers with the bot's page.`,
      'ok   Valentina API key: valid (developer valentina-bot); reaches 2 companies: Anarch Free State (USER), Chicago by Night (USER).',
      `ok   Redis: persistent and never evicts (${new URL(redisUrl()).host}).`,
    ]);
    expect(Object.keys(report.checks)).toEqual(['discord_token', 'discord_application', 'oauth_redirect_registered', 'oauth_redirect_reachable', 'valentina_key', 'redis']);
    expectNoSecret(t, bot.logs.join('\n'));
  });

  it('stops on a Discord token Discord refuses, and still reports the rest', async (t) => {
    const { expect } = t;
    const { code, stderr } = await runUntilExit(t, await configuration({ DISCORD_TOKEN: 'not-the-bot-token' }));
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toBe('Start-up check failed: fix what is marked FAIL, then start the bot again.');
    expect(lines).toContain(
      '  FAIL Discord token: DISCORD_TOKEN was refused by Discord (401 Unauthorized). Fix: Developer Portal → your application → Bot → Reset Token, and put the new token in DISCORD_TOKEN.',
    );
    expect(lines).toContain('  skip Discord application: not checked without a working DISCORD_TOKEN.');
    expect(lines.some((line) => line.startsWith('  ok   Valentina API key: valid'))).toBe(true);
    expect(stderr).not.toContain('not-the-bot-token');
  });

  it('stops when DISCORD_CLIENT_ID names another application than the token\'s, and says which one it is', async (t) => {
    const { expect } = t;
    const { code, stderr } = await runUntilExit(t, await configuration({ DISCORD_CLIENT_ID: '1180000000000000099' }));
    expect(code).toBe(1);
    expect(stderr).toContain(
      `  FAIL Discord application: DISCORD_CLIENT_ID is 1180000000000000099, but DISCORD_TOKEN belongs to the application "bot" (${SIM_APPLICATION_ID}). ` +
        `Fix: set DISCORD_CLIENT_ID=${SIM_APPLICATION_ID} (General Information → Application ID), or use the token of application 1180000000000000099.`,
    );
    expectNoSecret(t, stderr);
  });

  it('stops when Discord sends the interactions to an Interactions Endpoint URL instead of the gateway', async (t) => {
    const { expect } = t;
    // An application of its own: the other tests, running meanwhile, use the shared one unchanged.
    const discord = await startDiscordSimulator({ botToken: SIM_BOT_TOKEN, applicationId: SIM_APPLICATION_ID, clientSecret: SIM_CLIENT_SECRET, heartbeatIntervalMs: 1_000 });
    t.onTestFinished(() => discord.close());
    discord.application.interactionsEndpointUrl = 'https://elsewhere.example/interactions';
    const { code, stderr } = await runUntilExit(t, await configuration({}, discord));
    expect(code).toBe(1);
    expect(stderr).toContain('  FAIL Discord application: "bot" has an Interactions Endpoint URL (https://elsewhere.example/interactions)');
  });

  it('refuses to start without PUBLIC_URL, saying what it is', async (t) => {
    const { expect } = t;
    const { code, stderr } = await runUntilExit(t, await configuration({ PUBLIC_URL: undefined }));
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      "Configuration error: PUBLIC_URL is required but not set: the https address players' browsers reach the bot's OAuth callback at, e.g. https://bot.example.org (see docs/deploy.md)",
    );
  });

  it('stops on a Redis that could lose data, in the same report as the checks that passed', async (t) => {
    const { expect } = t;
    const { code, stderr } = await runUntilExit(t, await configuration({ REDIS_URL: volatile.url }));
    expect(code).toBe(1);
    expect(stderr).toContain(
      `  FAIL Redis: Redis may lose the bot's data: on 127.0.0.1:${volatile.port} persistence is off (appendonly no, save ""). ` +
        'Fix: run Redis with appendonly yes (or RDB save points), or set REDIS_ALLOW_VOLATILE=true to start anyway.',
    );
    expect(stderr).toContain('  ok   Discord token: valid');
  });

  it('stops on a Valentina API key Valentina refuses', async (t) => {
    const { expect } = t;
    const { code, stderr } = await runUntilExit(t, await configuration({ VALENTINA_API_KEY: 'a-revoked-key' }));
    expect(code).toBe(1);
    expect(stderr).toMatch(/ {2}FAIL Valentina API key: VALENTINA_API_KEY was refused by Valentina \(401, request req_[\w-]{22}\)\. Fix: /);
    expect(stderr).not.toContain('a-revoked-key');
    expectNoSecret(t, stderr);
  });

  it('only warns when Discord or Valentina cannot be asked: an outage is no reason to refuse a configuration', async (t) => {
    const { expect } = t;
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const { stdout } = await runUntilExit(t, await configuration({ DISCORD_API_URL: `${nobody}/api`, VALENTINA_API_URL: nobody }));
    const report = stdout.split('\n').find((line) => line.includes('"msg":"start-up check'));
    expect((JSON.parse(report ?? '{}') as { msg?: string }).msg?.split('\n')).toEqual([
      'start-up check: 2 warnings; the bot starts anyway',
      `WARN Discord token: not checked: Discord could not be asked (ECONNREFUSED) at ${nobody}/api.`,
      'skip Discord application: not checked without a working DISCORD_TOKEN.',
      expect.stringMatching(/^ok {3}OAuth redirect reachable: /),
      'WARN Valentina API key: not checked: Valentina could not be asked (ECONNREFUSED).',
      expect.stringMatching(/^ok {3}Redis: /),
    ]);
  });

  it('starts with one warning naming each problem it can run with: a redirect nobody answers or registered, a key without companies, a volatile Redis allowed', async (t) => {
    const { expect } = t;
    const empty = await startFakeValentina({ seed: false });
    t.onTestFinished(() => empty.close());
    const deadPort = await freePort();
    const env = await configuration({ PUBLIC_URL: `http://127.0.0.1:${deadPort}`, VALENTINA_API_URL: empty.url, VALENTINA_API_KEY: empty.apiKey, REDIS_URL: volatile.url, REDIS_ALLOW_VOLATILE: 'true' });
    sim.application.redirectUris = sim.application.redirectUris.filter((uri) => uri !== `${env.PUBLIC_URL}${CALLBACK}`);
    const { bot, report } = await startUntilReport(t, env);
    const redirect = `http://127.0.0.1:${deadPort}${CALLBACK}`;
    expect(report.msg.split('\n')).toEqual([
      'start-up check: 4 warnings; the bot starts anyway',
      `ok   Discord token: valid: the bot is bot (id ${SIM_APPLICATION_ID}).`,
      `ok   Discord application: "bot" (${SIM_APPLICATION_ID}) matches DISCORD_CLIENT_ID.`,
      `WARN OAuth redirect registered: ${redirect} is not among the application's OAuth2 redirects, so Discord refuses the sign-in of /link. Fix: add it under OAuth2 → Redirects (no restart needed).`,
      `WARN OAuth redirect reachable: ${redirect} could not be reached from the bot (ECONNREFUSED): /link's sign-in would fail there. ` +
        `Fix: PUBLIC_URL must be the https address browsers reach, and the reverse proxy must pass ${CALLBACK} to the bot's HTTP_PORT (docs/deploy.md).`,
      expect.stringMatching(/^WARN Valentina API key: valid \(developer [^,]+, id [0-9a-f-]{36}\), but it reaches no company yet, so no server can be set up\. Fix: /),
      `WARN Redis: may lose data (on 127.0.0.1:${volatile.port} persistence is off (appendonly no, save "")); allowed by REDIS_ALLOW_VOLATILE=true. Not for production.`,
    ]);
    // It started: the ops server says ready once the gateway is connected.
    await waitFor('/readyz to answer 200', 20_000, async () => (await fetch(`${bot.opsUrl}/readyz`).catch(() => undefined))?.status === 200);
    expectNoSecret(t, bot.logs.join('\n'));
  });
});
