/**
 * Valentina's rate limit end to end: the fake enforces the live limit (50 requests per 60 s per key),
 * and a burst of commands larger than that hits the real bot process. Every interaction is answered
 * in time (the simulator rejects a first response past Discord's 3 s), reads beyond the budget are
 * told when to try again, XP changes beyond it are queued — applied exactly once, their message edited
 * with the record — no user sees an internal error, the fake never has to refuse a request, and
 * /readyz asks Valentina nothing while the commands flow. The bot runs on its default budget, which is
 * the live limit (test/e2e/burst-processes.test.ts runs a scaled bucket the bot learns from the headers).
 *
 * The reads keep coming while the writes arrive (as in a real burst), so the writes meet a spent budget
 * however long they take to reach the bot.
 *
 * Each test has its own stack (they would meet in the one request budget), both started before either
 * test runs, and the two tests run side by side: both spend most of their time waiting for the live
 * bucket to refill.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { InteractionHandle, SimMessage } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { createKeyspace } from '../../src/keyspace.js';
import { bindChicago, startStack, waitFor, type Stack } from '../support/bot-process.js';
import { addLinkedPlayers } from '../support/players.js';

const main = FIXTURE_IDS.campaigns.main;
const LIVE_LIMIT = [{ name: 'default', capacity: 50, refillPerSecond: 50 / 60 }];
const READS = 90;
/** Players added to the fixture's four readers: the first reads of a burst each cost a lookup and a read. */
const READERS = 40;
/** Several queued changes, each reserving its calls after the one before (2.4 s apart at the live refill). */
const WRITES = 3;

/** A bot on its defaults against the fake holding the live limit, its server bound with a default campaign. */
async function liveStack(): Promise<Stack> {
  const stack = await startStack({ fake: { rateLimits: LIVE_LIMIT } });
  try {
    await bindChicago(stack, MAIN_CAMPAIGN_AS_DEFAULT);
  } catch (error) {
    await stack.close();
    throw error;
  }
  return stack;
}

describe.concurrent('a burst larger than Valentina’s rate limit', () => {
  const stacks: { burst?: Stack; coldCache?: Stack } = {};

  beforeAll(async () => {
    const [burst, coldCache] = await Promise.allSettled([liveStack(), liveStack()]);
    if (burst.status === 'fulfilled') stacks.burst = burst.value;
    if (coldCache.status === 'fulfilled') stacks.coldCache = coldCache.value;
    for (const result of [burst, coldCache]) if (result.status === 'rejected') throw result.reason;
  });
  afterAll(async () => {
    await Promise.all([stacks.burst?.close(), stacks.coldCache?.close()]);
  });

  it('answers everyone in time, queues the writes, applies each once, and stays under the limit', { timeout: 180_000 }, async ({ expect }) => {
    const stack = stacks.burst!;
    const { sim, users, guild, fake } = stack;
    const before = fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current ?? 0;
    fake.clearRequests();
    // Each reader's reads are their own: identical reads in flight would share one request and spend little.
    const readers = [users.mara, users.bastien, users.celeste, users.viktor, ...addLinkedPlayers(sim, fake, [guild.id], READERS)];
    const reads: InteractionHandle[] = [];
    let sent = 0;
    const read = async () => {
      const user = readers[sent++ % readers.length]!;
      reads.push(await sim.slashCommand({ user, guildId: guild.id, command: 'xp', subcommand: 'show' }));
    };
    // Reads first: they spend the budget down to its floor, an interactive call promising tokens up to 5 s ahead.
    await Promise.all(Array.from({ length: READS }, read));
    const budgetKey = createKeyspace(stack.redis.prefix).valentinaBudget();
    await waitFor('the reads to spend the budget', 30_000, async () => Number((await stack.redis.client.hget(budgetKey, 'tokens')) ?? 50) <= -3);
    // The burst goes on while the writes arrive (a read every 200 ms holds the budget at its floor), so each
    // write meets a spent budget however long it takes to reach the bot: a change (2 calls) would wait > 5 s.
    let writesAnswered = false;
    const pump = (async () => {
      while (!writesAnswered) {
        await read();
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const writeHandles = await Promise.all(
      Array.from({ length: WRITES }, (_, i) =>
        sim.slashCommand({ user: users.celeste, guildId: guild.id, command: 'xp', subcommand: 'add', options: { user: users.mara.id, amount: 1, reason: `burst ${i}` } }),
      ),
    );
    const firstAnswers = await Promise.all(writeHandles.map((handle) => handle.reply({ timeoutMs: 30_000 }))).finally(() => {
      writesAnswered = true;
    });
    await pump;
    const readHandles = reads;

    // Discord's 3 s: the simulator rejects an interaction that got no first response (a deferral counts).
    await Promise.all([...readHandles, ...writeHandles].map((handle) => handle.initialResponse()));

    const readAnswers = await Promise.all(readHandles.map((handle) => handle.reply({ timeoutMs: 30_000 })));
    const shown = readAnswers.filter((answer) => answer.embeds.length > 0).length;
    const busy = readAnswers.filter((answer) => /^Valentina is busy right now\. Try again in \d+ seconds?\./.test(answer.content));
    const other = readAnswers.filter((answer) => answer.embeds.length === 0 && !busy.includes(answer)).map((answer) => answer.content);
    expect(other).toEqual([]);
    expect(shown + busy.length).toBe(readHandles.length);
    expect(busy.length).toBeGreaterThan(0);

    // While the commands flow (queued changes still to run), readiness is judged from their requests.
    const ready = await fetch(`${stack.bot.opsUrl}/readyz`).then((r) => r.json() as Promise<{ checks: Record<string, string> }>);
    expect(ready.checks.valentina).toBe('ok');

    const queued = firstAnswers.filter((answer) => answer.content.startsWith('⏳ Queued:'));
    expect(queued.length).toBeGreaterThan(0);
    for (const answer of queued) expect(answer.content).toMatch(/will be applied in about \d+ s/);
    expect(queued.every((answer) => !answer.ephemeral)).toBe(true);

    // Every queued message becomes the change's public record.
    const recorded = (handle: InteractionHandle) => (handle.original?.embeds[0]?.title ?? '') === `+1 XP for Mara`;
    await waitFor('every queued XP change to be applied and its message edited', 150_000, () => writeHandles.every(recorded));

    const after = fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current ?? 0;
    expect(after - before).toBe(WRITES);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/experience/xp/add') && r.status === 201)).toHaveLength(WRITES);

    // Nobody saw an internal error; readiness asked nothing; Valentina refused at most a stray request (the
    // budget and Valentina's bucket can differ by a token at the edge), and then only once.
    const everything: Array<Pick<SimMessage, 'content'>> = [...readAnswers, ...writeHandles.map((handle) => handle.original!)];
    expect(everything.filter((message) => message.content.includes('something went wrong on our side'))).toEqual([]);
    expect(fake.requests.filter((request) => request.status === 429).length).toBeLessThanOrEqual(1);
    expect(fake.countRequests({ method: 'GET', path: '/health' })).toBe(0);
    expect(stack.bot.logs.filter((line) => line.includes('interaction failed'))).toEqual([]);
    // Per minute: what the live bucket allows (50 at once, then 50/60 per second).
    const times = fake.requests.map((request) => request.at.getTime()).sort((x, y) => x - y);
    const perMinute = Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + 60_000).length));
    expect(perMinute).toBeLessThanOrEqual(100);
  });

  it('queues a change whose campaign list cannot be read yet, picks the campaign when its turn comes, and gives back a reserved call not made', { timeout: 150_000 }, async ({ expect }) => {
    const { sim, users, guild, fake, redis } = stacks.coldCache!;
    const keys = createKeyspace(redis.prefix);
    const before = fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current ?? 0;
    // As a burst leaves them: the company's campaign list not cached, and the budget's tokens promised seven
    // ahead. The list read would have to wait (1 + 7) / (50/60 per s) = 9.6 s, more than the 5 s an interactive
    // call may wait, and still would 4.6 s later: the command meets a spent budget, the change waits 12 s.
    await redis.client.del(keys.directory.campaigns(FIXTURE_IDS.companies.chicago));
    const [seconds, micros] = await redis.client.time();
    await redis.client.hset(keys.valentinaBudget(), 'tokens', '-7', 'ts', String(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000)));
    fake.clearRequests();

    const handle = await sim.slashCommand({ user: users.celeste, guildId: guild.id, command: 'xp', subcommand: 'add', options: { user: users.mara.id, amount: 2, reason: 'cold cache' } });
    const first = await handle.reply({ timeoutMs: 30_000 });
    expect(first.content).toMatch(new RegExp(`^⏳ Queued: Giving 2 XP to <@${users.mara.id}> in this server's default campaign will be applied in about \\d+ s`));
    expect(fake.requests).toEqual([]);

    await waitFor('the queued change to be applied and its message edited', 60_000, () => handle.original?.embeds[0]?.title === '+2 XP for Mara');
    expect(handle.original?.embeds[0]?.description).toContain('*Requiem for the Loop*');
    expect(fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current).toBe(before + 2);
    const paths = fake.requests.map((request) => `${request.method} ${request.path}`);
    expect(paths.filter((path) => path.endsWith('/experience/xp/add'))).toHaveLength(1);
    // The job read the list itself, before the write.
    const listRead = paths.findIndex((path) => path.startsWith('GET ') && path.endsWith(`/companies/${FIXTURE_IDS.companies.chicago}/campaigns`));
    expect(listRead).toBeGreaterThanOrEqual(0);
    expect(listRead).toBeLessThan(paths.findIndex((path) => path.endsWith('/experience/xp/add')));

    // Two such changes at once: each reserves the list read, but the list is read once (by the first job; the
    // second finds it cached), and the call the second reserved and never made goes back to the budget.
    await redis.client.del(keys.directory.campaigns(FIXTURE_IDS.companies.chicago));
    const [s0, us0] = await redis.client.time();
    const t0 = Number(s0) * 1000 + Math.floor(Number(us0) / 1000);
    await redis.client.hset(keys.valentinaBudget(), 'tokens', '-7', 'ts', String(t0));
    fake.clearRequests();
    const pair = await Promise.all(
      [1, 2].map((i) => sim.slashCommand({ user: users.celeste, guildId: guild.id, command: 'xp', subcommand: 'add', options: { user: users.mara.id, amount: 1, reason: `cold cache ${i}` } })),
    );
    for (const queuedHandle of pair) expect((await queuedHandle.reply({ timeoutMs: 30_000 })).content).toMatch(/^⏳ Queued: Giving 1 XP to .* in this server's default campaign/);
    await waitFor('both queued changes to be applied', 60_000, () => pair.every((queuedHandle) => queuedHandle.original?.embeds[0]?.title === '+1 XP for Mara'));
    expect(fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current).toBe(before + 4);
    const listReads = fake.requests.filter((request) => request.method === 'GET' && request.path.endsWith(`/companies/${FIXTURE_IDS.companies.chicago}/campaigns`));
    expect(listReads).toHaveLength(1);
    expect(fake.requests).toHaveLength(5);
    // Redis' own count: -7, less 3 reserved by each change, 1 given back, plus what refilled since t0 (the bucket
    // stays far below its capacity). Without the refund it would be one token lower.
    const budget = await redis.client.hgetall(keys.valentinaBudget());
    const refilled = (Number(budget.ts) - t0) * (50 / 60_000);
    expect(Number(budget.tokens)).toBeCloseTo(-7 - 3 - 3 + 1 + refilled, 3);
  });
});
