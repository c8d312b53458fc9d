/**
 * Both limits at once, across processes: two gateway processes (one shard each) and a worker share one
 * Redis, one Valentina request budget and one Discord REST proxy, and a burst of 200 commands arrives
 * against the fake Valentina holding the live limit (50 requests a minute per key). Every interaction
 * gets its first response within Discord's 3 s; Valentina receives no more than its bucket allows and
 * refuses at most a stray request; Discord receives at most 50 bot requests in any second; queued XP
 * changes are each applied once; nobody reads an internal error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordSimulator, InteractionHandle } from '../../packages/sandbox/src/discord-sim/index.js';
import type { SimGuild, SimUser } from '../../packages/sandbox/src/discord-sim/model.js';
import type { FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { freePort } from '../../packages/sandbox/src/redis-server.js';
import { REPO_ROOT, waitFor, type ChildBot, type GuildMemberName } from '../support/bot-process.js';
import { startShardedDeployment, type ShardedDeployment } from '../support/shards.js';
import { addLinkedPlayers } from '../support/players.js';

const main = FIXTURE_IDS.campaigns.main;
const LIVE_LIMIT = [{ name: 'default', capacity: 50, refillPerSecond: 50 / 60 }];
const COMMANDS_PER_GUILD = 100;
const WRITES_PER_GUILD = 5;
/** Players added to the fixture's four readers: the first reads of the burst each cost a lookup and a read. */
const READERS = 40;


describe('a burst of 200 commands on two gateway processes and a worker', () => {
  let deployment: ShardedDeployment;
  let sim: DiscordSimulator;
  let fake: FakeValentina;
  let users: Record<GuildMemberName, SimUser>;
  let guilds: SimGuild[];
  let bots: ChildBot[];
  let proxy: ChildProcess | undefined;

  beforeAll(async () => {
    const simPort = await freePort();
    const proxyPort = await freePort();
    proxy = spawn(process.execPath, [join(REPO_ROOT, 'dist/src/discord-proxy.js')], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', DISCORD_API_URL: `http://127.0.0.1:${simPort}/api`, DISCORD_PROXY_PORT: String(proxyPort), DISCORD_PROXY_HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: 'ignore',
    });
    await waitFor('the proxy to answer /healthz', 15_000, () => fetch(`http://127.0.0.1:${proxyPort}/healthz`).then((r) => r.ok, () => false));
    deployment = await startShardedDeployment({
      name: 'burst',
      simPort,
      fake: { rateLimits: LIVE_LIMIT },
      env: { DISCORD_REST_PROXY_URL: `http://127.0.0.1:${proxyPort}/api` },
    });
    ({ sim, fake, users, guilds, bots } = deployment);
    for (const shard of [0, 1]) await deployment.startGateway(shard, { LOG_LEVEL: 'info' });
    await deployment.startBot({ BOT_ROLES: 'worker,http', REGISTER_COMMANDS: '', LOG_LEVEL: 'info' });
  }, 90_000);

  afterAll(async () => {
    await deployment?.close();
    proxy?.kill('SIGKILL');
  });

  it('answers all 200 in time, within Valentina’s and Discord’s limits, applying each queued change once', { timeout: 240_000 }, async () => {
    const before = fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current ?? 0;
    fake.clearRequests();
    sim.rateLimit.resetStats();
    // Each reader's reads are their own: identical reads in flight would share one request and spend little.
    const readers = [users.mara, users.bastien, users.celeste, users.viktor, ...addLinkedPlayers(sim, fake, guilds.map((guild) => guild.id), READERS)];
    const reads: Array<Promise<InteractionHandle>> = [];
    const writes: Array<Promise<InteractionHandle>> = [];
    for (const guild of guilds) {
      for (let i = 0; i < COMMANDS_PER_GUILD - WRITES_PER_GUILD; i++) {
        reads.push(sim.slashCommand({ user: readers[i % readers.length]!, guildId: guild.id, command: 'xp', subcommand: 'show' }));
      }
      for (let i = 0; i < WRITES_PER_GUILD; i++) {
        writes.push(
          sim.slashCommand({ user: users.celeste, guildId: guild.id, command: 'xp', subcommand: 'add', options: { user: users.mara.id, amount: 1, reason: `burst ${guild.id} ${i}` } }),
        );
      }
    }
    const readHandles = await Promise.all(reads);
    const writeHandles = await Promise.all(writes);
    expect(readHandles.length + writeHandles.length).toBe(2 * COMMANDS_PER_GUILD);

    // Discord's 3 s: the simulator rejects a first response (a deferral counts) that comes later.
    await Promise.all([...readHandles, ...writeHandles].map((handle) => handle.initialResponse()));

    const readAnswers = await Promise.all(readHandles.map((handle) => handle.reply({ timeoutMs: 30_000 })));
    const unexpected = readAnswers
      .filter((answer) => answer.embeds.length === 0 && !/^Valentina is busy right now\. Try again in \d+ seconds?\./.test(answer.content))
      .map((answer) => answer.content);
    expect(unexpected).toEqual([]);
    // The burst is larger than the budget: some reads were told to come back rather than sent to Valentina.
    expect(readAnswers.filter((answer) => answer.embeds.length === 0).length).toBeGreaterThan(0);

    // Each change ends as its public record (at once, or once its queued turn came).
    const recorded = (handle: InteractionHandle) => (handle.original?.embeds[0]?.title ?? '') === '+1 XP for Mara';
    await waitFor('every XP change to be applied and its message to show the record', 180_000, () => writeHandles.every(recorded)).catch((error: unknown) => {
      const stuck = writeHandles.filter((handle) => !recorded(handle)).map((handle) => `${handle.id}: ${handle.original?.embeds[0]?.title ?? handle.original?.content ?? '(no answer)'}${handle.followUps.map((m) => ` / follow-up: ${m.content}`).join('')}`);
      const posts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/experience/xp/add')).map((r) => r.status);
      const told = bots.flatMap((bot) => bot.logs).filter((line) => writeHandles.some((handle) => !recorded(handle) && line.includes(handle.id)));
      throw new Error(`${String(error)}\nnot recorded:\n${stuck.join('\n')}\nxp/add answers: ${posts.join(' ')}\nthe bots on them:\n${told.join('\n')}`);
    });
    const after = fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current ?? 0;
    expect(after - before).toBe(2 * WRITES_PER_GUILD);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/experience/xp/add') && r.status === 201)).toHaveLength(2 * WRITES_PER_GUILD);

    // Valentina: what its bucket allows in any minute (50 at once, then 50 a minute), at most a stray refusal.
    const times = fake.requests.map((request) => request.at.getTime()).sort((x, y) => x - y);
    const perMinute = Math.max(...times.map((start) => times.filter((t) => t >= start && t < start + 60_000).length));
    expect(perMinute).toBeLessThanOrEqual(100);
    expect(fake.requests.filter((request) => request.status === 429).length).toBeLessThanOrEqual(1);
    // Discord: the bot token's global limit, across the three processes.
    expect(sim.rateLimit.peakPerSecond).toBeLessThanOrEqual(50);
    expect(sim.rateLimit.refused).toBe(0);
    // Nobody read an internal error.
    const everything = [...readAnswers.map((answer) => answer.content), ...writeHandles.map((handle) => handle.original?.content ?? '')];
    expect(everything.filter((content) => content.includes('something went wrong on our side'))).toEqual([]);
    expect(bots.flatMap((bot) => bot.logs).filter((line) => line.includes('interaction failed'))).toEqual([]);
  });
});
