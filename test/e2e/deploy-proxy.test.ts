/**
 * The deploy guide's reverse proxy (docs/deploy/Caddyfile), run by a real Caddy in front of the built bot:
 * the OAuth callback of /link goes through to the bot — a whole /link sign-in included — and nothing else of
 * the bot is reachable through it; the bot's start-up check finds its callback behind PUBLIC_URL. Plain HTTP on
 * loopback stands in for the certificate Caddy gets in production. Needs `caddy` on the PATH (apt-get install
 * caddy); skipped with a message otherwise.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../packages/sandbox/src/redis-server.js';
import { CALLBACK_MARKER_HEADER, OAUTH_CALLBACK_PATH } from '../../src/identity/link-flow.js';
import { bindChicago, REPO_ROOT, startStack, waitFor, type Stack } from '../support/bot-process.js';

const hasCaddy = spawnSync('caddy', ['version'], { stdio: 'ignore' }).status === 0;
if (!hasCaddy) console.warn('deploy-proxy.test.ts skipped: caddy is not on the PATH (apt-get install caddy)');

describe.runIf(hasCaddy)('the deploy guide\'s Caddy in front of the bot', () => {
  let caddy: ChildProcess;
  let dir: string;
  let proxyUrl: string;
  let stack: Stack;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vbot-caddy-'));
    const [proxyPort, botPort] = [await freePort(), await freePort()];
    proxyUrl = `http://127.0.0.1:${proxyPort}`;
    // The guide's Caddyfile as it is, imported after one test-only option: no admin endpoint (tests run side by side).
    writeFileSync(join(dir, 'Caddyfile'), `{\n\tadmin off\n}\nimport ${join(REPO_ROOT, 'docs/deploy/Caddyfile')}\n`);
    caddy = spawn('caddy', ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, BOT_DOMAIN: proxyUrl, BOT_UPSTREAM: `127.0.0.1:${botPort}` },
      stdio: 'ignore',
    });
    await waitFor('Caddy to listen', 15_000, async () => (await fetch(`${proxyUrl}/`).catch(() => undefined))?.status === 404);
    // As the guide's compose file runs it: PUBLIC_URL is the proxy's address, the bot's port is reached through it.
    stack = await startStack({ env: { HTTP_PORT: String(botPort), PUBLIC_URL: proxyUrl, LOG_LEVEL: 'info' } });
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
    caddy?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes the OAuth callback to the bot, and the start-up check finds it behind PUBLIC_URL', async () => {
    const response = await fetch(`${proxyUrl}${OAUTH_CALLBACK_PATH}`);
    expect(response.status).toBe(400);
    expect(response.headers.get(CALLBACK_MARKER_HEADER)).toBe('oauth-callback');
    expect(await response.text()).toContain('This link is not valid');
    const report = stack.bot.logs.find((line) => line.includes('"msg":"start-up check'));
    expect(report).toContain(`ok   OAuth redirect reachable: ${proxyUrl}${OAUTH_CALLBACK_PATH} answers with the bot's page.`);
    expect(report).toContain('start-up check: everything the bot needs works');
  });

  it('answers everything else itself: /readyz, /metrics, /healthz and any other path are not the bot\'s', async () => {
    for (const path of ['/readyz', '/metrics', '/healthz', '/', '/oauth/discord/callback/../../metrics', '/oauth/discord']) {
      const response = await fetch(`${proxyUrl}${path}`);
      expect({ path, status: response.status, body: await response.text(), marker: response.headers.get(CALLBACK_MARKER_HEADER) }).toEqual({ path, status: 404, body: 'Not found', marker: null });
    }
    // The bot's own ops server still answers, where only the host (the container) reaches it.
    expect((await fetch(`${stack.bot.opsUrl}/readyz`)).status).toBe(200);
  });

  it('carries a whole /link sign-in: Discord sends the browser to PUBLIC_URL, and the page through the proxy says linked', async () => {
    await bindChicago(stack);
    const reply = await (await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'link' })).reply();
    const button = (reply.components[0] as { components: Array<{ url?: string }> }).components[0]!;
    const redirect = stack.sim.oauth.authorize({ userId: stack.users.mara.id, url: button.url! });
    expect(redirect.startsWith(`${proxyUrl}${OAUTH_CALLBACK_PATH}?`)).toBe(true);
    const page = await fetch(redirect);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Account linked');
  });
});
