/**
 * Scale-out end to end: two gateway processes (one shard each) and one worker process share one
 * Redis. Commands work on both shards, each delivery and each approval request is posted once, and a
 * worker killed with jobs waiting loses none of them once a new worker starts.
 */
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiscordSimulator, SimMessage } from '../../packages/sandbox/src/discord-sim/index.js';
import type { SimGuild, SimUser } from '../../packages/sandbox/src/discord-sim/model.js';
import { shardOf } from '../../packages/sandbox/src/discord-sim/snowflake.js';
import type { FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { freePort } from '../../packages/sandbox/src/redis-server.js';
import type { ChildBot, GuildMemberName } from '../support/bot-process.js';
import { waitForIdleQueues } from '../support/queues.js';
import { startShardedDeployment, type ShardedDeployment } from '../support/shards.js';

const main = FIXTURE_IDS.campaigns.main;


describe('two gateway shards and a worker on one Redis', () => {
  let deployment: ShardedDeployment;
  let sim: DiscordSimulator;
  let fake: FakeValentina;
  let redis: Redis;
  let prefix: string;
  let users: Record<GuildMemberName, SimUser>;
  let guilds: SimGuild[];
  let bots: ChildBot[];
  /** The worker's HTTP port, where the Discord sign-in of /link comes back to (PUBLIC_URL). */
  let workerPort: number;

  const startWorker = () => deployment.startBot({ BOT_ROLES: 'worker,http', HTTP_PORT: String(workerPort) });

  beforeAll(async () => {
    workerPort = await freePort();
    deployment = await startShardedDeployment({ name: 'scale', env: { PUBLIC_URL: `http://127.0.0.1:${workerPort}` } });
    ({ sim, fake, redis, prefix, users, guilds, bots } = deployment);
    // The worker's callback, registered with the application as an operator would: Discord refuses other redirects.
    sim.application.redirectUris.push(`${deployment.env.PUBLIC_URL}/oauth/discord/callback`);
    for (const shard of [0, 1]) await deployment.startGateway(shard);
    await startWorker();
  }, 90_000);

  afterAll(async () => {
    await deployment?.close();
  });

  const grant = (guild: SimGuild, reason: string) =>
    sim
      .slashCommand({ user: users.celeste, guildId: guild.id, command: 'xp', subcommand: 'add', options: { user: users.mara.id, amount: 1, reason } })
      .then((ix) => ix.reply());
  const audits = (guild: SimGuild, reason: string) =>
    sim.channelMessages(guild.defaultChannelId).filter((m: SimMessage) => m.interactionId === null && m.embeds.some((e) => e.fields?.some((f) => f.value === reason)));
  const awaitAudit = (guild: SimGuild, reason: string) =>
    sim.waitForMessage({ channelId: guild.defaultChannelId, predicate: (m) => audits(guild, reason).some((a) => a.id === m.id), timeoutMs: 15_000 });

  it('puts the two guilds on different shards and answers /ping on both', async () => {
    expect(guilds.map((g) => shardOf(g.id, 2))).toEqual([0, 1]);
    for (const guild of guilds) {
      const reply = await (await sim.slashCommand({ user: users.mara, guildId: guild.id, command: 'ping' })).reply();
      expect(reply.content).toContain('Pong');
    }
  });

  it('grants XP on both shards and posts each audit record exactly once', async () => {
    const before = fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current ?? 0;
    for (const [index, guild] of guilds.entries()) {
      const reply = await grant(guild, `Scene on shard ${index}`);
      expect(reply.embeds[0]?.title).toContain('+1 XP');
      await awaitAudit(guild, `Scene on shard ${index}`);
    }
    expect(fake.store.getExperience(FIXTURE_IDS.users.mara.id, main)?.xp_current).toBe(before + 2);
    await waitForIdleQueues(redis, prefix); // no job left that could post a duplicate
    for (const [index, guild] of guilds.entries()) expect(audits(guild, `Scene on shard ${index}`)).toHaveLength(1);
    expect(sim.violations).toEqual([]);
  });

  it('posts a newcomer\'s approval request once in each server, and a decision on one shard closes it on both', async () => {
    const newcomer = sim.addUser({ username: 'ghoul_on_shard_1', email: 'ghoul@example.net', verified: true });
    for (const guild of guilds) sim.addMember(guild.id, newcomer.id);
    const requests = (guild: SimGuild) => sim.channelMessages(guild.defaultChannelId).filter((m) => m.embeds[0]?.fields?.some((f) => f.value.includes(`<@${newcomer.id}>`)));
    const link = await (await sim.slashCommand({ user: newcomer, guildId: guilds[1]!.id, command: 'link' })).reply();
    const url = (link.components[0] as { components: Array<{ url: string }> }).components[0]!.url;
    expect(await (await fetch(sim.oauth.authorize({ userId: newcomer.id, url }))).text()).toContain('Account created');
    for (const guild of guilds) await expect.poll(() => requests(guild).length, { timeout: 15_000 }).toBe(1);
    await waitForIdleQueues(redis, prefix); // no job left that could post a duplicate
    for (const guild of guilds) expect(requests(guild)).toHaveLength(1);

    const request = requests(guilds[0]!)[0]!;
    const approve = request.components.flatMap((row) => row.components ?? []).find((c) => c.label === 'Approve as player')!;
    const decided = await (await sim.clickButton({ user: users.viktor, guildId: guilds[0]!.id, message: request, customId: approve.custom_id! })).reply();
    expect(decided.embeds[0]?.description).toContain('Approved as player by');
    await expect.poll(() => requests(guilds[1]!)[0]?.embeds[0]?.description ?? '', { timeout: 15_000 }).toContain('Approved as player by');
    expect(requests(guilds[1]!)[0]?.components).toEqual([]);
    expect(fake.store.companyUsers(FIXTURE_IDS.companies.chicago).find((u) => u.username === 'ghoul_on_shard_1')?.role).toBe('PLAYER');
    expect(sim.violations).toEqual([]);
  });

  // Room for a new worker process to start (START_TIMEOUT_MS) on a busy machine.
  it('keeps deliveries queued while no worker runs, and a new worker posts each once', { timeout: 120_000 }, async () => {
    await bots[2]!.stop('SIGKILL');
    for (const [index, guild] of guilds.entries()) {
      const reply = await grant(guild, `While the worker was down ${index}`);
      expect(reply.embeds[0]?.title).toContain('+1 XP');
    }
    for (const [index, guild] of guilds.entries()) expect(audits(guild, `While the worker was down ${index}`)).toHaveLength(0);

    await startWorker();
    for (const [index, guild] of guilds.entries()) await awaitAudit(guild, `While the worker was down ${index}`);
    // Not waitForIdleQueues: a job the killed worker was running stays active until the new worker's
    // stalled-job check (tens of seconds) takes it back. Still a fixed wait for a duplicate.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const [index, guild] of guilds.entries()) expect(audits(guild, `While the worker was down ${index}`)).toHaveLength(1);
    expect(sim.violations).toEqual([]);
  });
});
