/**
 * One gateway process per shard, with the built bot: a second unsharded process waits instead of
 * answering every interaction a second time; a rolling restart (start the new one, SIGTERM the old)
 * hands over as soon as the old one disconnects, and a killed holder is replaced at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../packages/sandbox/src/redis-server.js';
import { ChildBot, SIM_APPLICATION_ID, startStack, type Stack, START_TIMEOUT_MS } from '../support/bot-process.js';

describe('two gateway processes for the same shard', () => {
  let stack: Stack;
  const extra: ChildBot[] = [];

  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(async () => {
    for (const bot of extra) await bot.stop('SIGKILL');
    await stack?.close();
  });

  const leaseKey = () => `${stack.redis.prefix}:gateway:${SIM_APPLICATION_ID}:shard:0`;
  const ping = async () => (await (await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'ping' })).reply()).content;
  /** A second process with the stack's environment (its own ports), up once its HTTP side answers. */
  const startAnother = async (): Promise<ChildBot> => {
    const bot = new ChildBot({ ...stack.bot.env, HTTP_PORT: String(await freePort()), OPS_HTTP_PORT: String(await freePort()) }, async () => undefined);
    extra.push(bot);
    await bot.start(START_TIMEOUT_MS);
    return bot;
  };
  const isWaiting = (bot: ChildBot) => bot.logs.some((line) => line.includes('gateway waiting') && line.includes('SHARD_IDS'));

  it('keeps the second process waiting, so each interaction is answered once; a rolling restart hands over at once', async () => {
    const identified = stack.sim.gateway.identifyCount;
    const second = await startAnother();
    await expect.poll(() => isWaiting(second), { timeout: 15_000 }).toBe(true);
    const ready = await fetch(`${second.opsUrl}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { gateway: 'waiting for another process to release its shards' } });

    for (let i = 0; i < 5; i += 1) expect(await ping()).toContain('Pong');
    expect(stack.sim.gateway.identifyCount).toBe(identified);
    expect(stack.sim.violations).toEqual([]); // no double-acknowledge

    // Rolling restart: the old process stops; the lease is released at its shutdown, not left to expire.
    const oldPid = stack.bot.pid!;
    const exit = await stack.bot.stop('SIGTERM');
    expect(exit.code).toBe(0);
    // Free, or already taken by the waiting process: either way no longer the old one's.
    expect((await stack.redis.client.get(leaseKey())) ?? '').not.toContain(`#${oldPid}#`);
    await stack.sim.gateway.waitForReady({ timeoutMs: START_TIMEOUT_MS });
    expect(await ping()).toContain('Pong');
    expect((await fetch(`${second.opsUrl}/readyz`)).status).toBe(200);
    expect(await stack.redis.client.get(leaseKey())).toContain(`#${second.pid}#`);
    expect(stack.sim.violations).toEqual([]);
  }, 60_000);

  it('replaces a killed holder at once instead of waiting for its lease to expire', async () => {
    // Whichever process holds the shard now (the stack's bot, or the one that took over from it).
    const holderPid = /#(\d+)#/.exec((await stack.redis.client.get(leaseKey())) ?? '')?.[1];
    const holder = [stack.bot, ...extra].find((bot) => String(bot.pid) === holderPid);
    expect(holder, 'the lease names a running bot process').toBeDefined();
    await holder!.stop('SIGKILL');
    const next = await startAnother();
    await stack.sim.gateway.waitForReady({ timeoutMs: START_TIMEOUT_MS });
    expect(await ping()).toContain('Pong');
    expect(await stack.redis.client.get(leaseKey())).toContain(`#${next.pid}#`);
    expect(isWaiting(next)).toBe(false);
  }, 60_000);
});
