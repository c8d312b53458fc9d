/**
 * The test harness's answer to a port taken between being picked and being listened on (test/support/ports.ts):
 * such a start is made again on a fresh port, as the taker's own failure says — any other failure is not.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startRedisServer, type RedisServerHandle } from '../../packages/sandbox/src/redis-server.js';
import { onFreshPort, PORT_ATTEMPTS, portTakenAtStart, redisPortTaken } from '../support/ports.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Another process's server on `port`: what a collision looks like to the next one to listen there. */
async function occupy(port: number): Promise<void> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
}

async function listen(port: number): Promise<Server> {
  const server = createServer();
  servers.push(server);
  server.listen(port, '127.0.0.1');
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  return server;
}

const takenError = (error: unknown) => (error as NodeJS.ErrnoException).code === 'EADDRINUSE';

describe('onFreshPort', () => {
  it('starts again on another port when the one it picked was taken first', async () => {
    const tried: number[] = [];
    const server = await onFreshPort(async (port) => {
      tried.push(port);
      if (tried.length === 1) await occupy(port);
      return listen(port);
    }, takenError);
    expect(tried).toHaveLength(2);
    expect(tried[1]).not.toBe(tried[0]);
    expect((server.address() as { port: number }).port).toBe(tried[1]);
  });

  it('gives up after its attempts, with the last collision', async () => {
    let tries = 0;
    const start = onFreshPort(async (port) => {
      tries += 1;
      await occupy(port);
      return listen(port);
    }, takenError);
    await expect(start).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(tries).toBe(PORT_ATTEMPTS);
  });

  it('does not retry any other failure, and surfaces it', async () => {
    let tries = 0;
    const start = onFreshPort(async () => {
      tries += 1;
      throw new Error('configuration refused');
    }, takenError);
    await expect(start).rejects.toThrow('configuration refused');
    expect(tries).toBe(1);
  });
});

describe('a collision, read from what the process said', () => {
  it('redis-server on a taken port: its refusal counts as taken, and a fresh port starts it', async () => {
    let redis: RedisServerHandle | undefined;
    let first: unknown;
    try {
      const started = await onFreshPort(async (port) => {
        if (first !== undefined) return startRedisServer({ port });
        await occupy(port);
        try {
          return await startRedisServer({ port });
        } catch (error) {
          first = error;
          throw error;
        }
      }, redisPortTaken);
      redis = started;
      expect(redisPortTaken(first)).toBe(true);
      expect(started.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    } finally {
      await redis?.stop();
    }
  });

  it("a bot's start-up failure names the port it could not listen on; other failures name none", () => {
    const taken = '{"level":60,"service":"valentina-bot","err":{"type":"Error","message":"listen EADDRINUSE: address already in use 127.0.0.1:27001","code":"EADDRINUSE","errno":-98,"syscall":"listen","address":"127.0.0.1","port":27001},"msg":"start-up failed"}';
    expect(portTakenAtStart(['{"level":30,"msg":"starting"}', taken])).toBe(27001);
    // Someone else's port refusing a connection, a fatal error of another kind, a start-up check's report: not a collision.
    expect(portTakenAtStart(['{"level":60,"err":{"code":"ECONNREFUSED","syscall":"connect","port":6379},"msg":"start-up failed"}'])).toBeUndefined();
    expect(portTakenAtStart(['{"level":60,"err":{"code":"EADDRINUSE","syscall":"listen","port":27001},"msg":"uncaught exception; stopping"}'])).toBeUndefined();
    expect(portTakenAtStart(['Start-up check failed: fix what is marked FAIL, then start the bot again.', '  FAIL Discord token: …'])).toBeUndefined();
  });
});
