/**
 * The harness's bot processes (test/support/bot-process.ts) when a port picked for them is taken before they
 * listen — by another process, as happened once in a loaded CI run: the bot's own start-up failure (listen
 * EADDRINUSE) moves that port and starts it again, so the stack comes up; a start-up that fails for any other
 * reason is not retried and its error surfaces as it was.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../packages/sandbox/src/redis-server.js';
import { ChildBot, startStack, START_TIMEOUT_MS, waitFor, type Stack } from '../support/bot-process.js';

const occupied: Server[] = [];
afterAll(async () => {
  await Promise.all(occupied.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A port that another process listens on, as the bot will find it. */
async function takenPort(): Promise<number> {
  const port = await freePort();
  const server = createServer((socket) => socket.destroy());
  occupied.push(server);
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return port;
}

const fatalLines = (logs: readonly string[]) => logs.filter((line) => line.includes('"level":60'));

describe('bot processes of the test stack', () => {
  let stack: Stack;
  let taken: { http: number; ops: number };
  beforeAll(async () => {
    taken = { http: await takenPort(), ops: await takenPort() };
    stack = await startStack({ ports: { HTTP_PORT: taken.http, OPS_HTTP_PORT: taken.ops } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('start on fresh ports when the picked ones were taken before the bot listened, and the stack works', async () => {
    const bot = stack.bot as ChildBot;
    // The public port first (taken), then the ops port (taken), then both fresh.
    expect(bot.spawns).toBe(3);
    expect([bot.env.HTTP_PORT, bot.env.OPS_HTTP_PORT]).not.toContain(String(taken.http));
    expect([bot.env.HTTP_PORT, bot.env.OPS_HTTP_PORT]).not.toContain(String(taken.ops));
    expect(bot.env.PUBLIC_URL).toBe(`http://127.0.0.1:${bot.env.HTTP_PORT}`);
    expect(bot.logs.filter((line) => line.startsWith('[test harness]'))).toEqual([
      expect.stringContaining(`HTTP_PORT ${taken.http} was taken before the bot listened on it`),
      expect.stringContaining(`OPS_HTTP_PORT ${taken.ops} was taken before the bot listened on it`),
    ]);
    // The failed attempts' lines are replaced by those notes: no fatal line is left to fail a test reading the logs.
    expect(fatalLines(bot.logs)).toEqual([]);
    expect((await fetch(`${bot.opsUrl}/readyz`)).status).toBe(200);
    const reply = await (await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'ping' })).reply();
    expect(reply.content).toContain('Pong');
    // The moved PUBLIC_URL's redirect was registered, as for any stack: the start-up check found nothing to warn about.
    expect(bot.logs.some((line) => line.includes('"msg":"start-up check'))).toBe(false);
  });

  it('are not started again when they fail for another reason: the error surfaces', async () => {
    const env = { ...stack.bot.env, DISCORD_TOKEN: 'not-the-bot-token', HTTP_PORT: String(await freePort()), OPS_HTTP_PORT: String(await freePort()) };
    // Serving would mean ready, which needs the start-up check passed: it fails on the token, after listening.
    const bot: ChildBot = new ChildBot(env, () => waitFor('/readyz to answer ready', START_TIMEOUT_MS, () => fetch(`${bot.opsUrl}/readyz`).then((r) => r.ok, () => false)));
    await expect(bot.start(START_TIMEOUT_MS)).rejects.toThrow(/exited during start-up \(code 1[\s\S]*FAIL Discord token: DISCORD_TOKEN was refused by Discord/);
    expect(bot.spawns).toBe(1);
  });

  it('are not moved off a port the test fixed (something points at it): the collision surfaces', async () => {
    const port = await takenPort();
    const bot = new ChildBot({ ...stack.bot.env, HTTP_PORT: String(port), OPS_HTTP_PORT: String(await freePort()) }, async () => undefined, { movablePorts: ['OPS_HTTP_PORT'] });
    await expect(bot.start(START_TIMEOUT_MS)).rejects.toThrow(`listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
    expect(bot.spawns).toBe(1);
    expect(bot.env.HTTP_PORT).toBe(String(port));
  });
});
