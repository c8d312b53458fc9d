/**
 * The local sandbox: the fake Valentina (seeded Chicago chronicle), the Discord simulator, a local
 * Redis and the real bot process, all on loopback, with a server already set up for the company.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { GuildBindingStore } from '../../../../src/identity/guild-binding.js';
import { createKeyspace } from '../../../../src/keyspace.js';
import { createQueueConnection, QUEUE_NAMES } from '../../../../src/queue/connection.js';
import { startDiscordSimulator, type DiscordSimulator, type SimGuild, type SimUser } from '../discord-sim/index.js';
import { startFakeValentina, type FakeValentina } from '../fake-valentina/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../fixture.js';
import { pendingJobs } from '../queues.js';
import { freePort, pingRedis, startRedisServer, type RedisServerHandle } from '../redis-server.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const SANDBOX_BOT_TOKEN = 'sandbox-bot-token';
const APPLICATION_ID = '1190000000000000001';
const CLIENT_SECRET = 'sandbox-client-secret';

/**
 * The seeded people of the table, by the name a person types (`as mara`, `@mara`). All but the
 * newcomer have a Valentina account; jules joins the server without one and can `/link` to get one.
 */
export const PEOPLE = ['viktor', 'celeste', 'mara', 'bastien', 'nadia', 'otto', 'jules'] as const;
export const NEWCOMER = 'jules';
export type Person = (typeof PEOPLE)[number];

export interface Sandbox {
  sim: DiscordSimulator;
  fake: FakeValentina;
  guild: SimGuild;
  users: Record<Person, SimUser>;
  channels: Record<'general' | 'approvals' | 'xp-log', string>;
  botUrl: string;
  logFile: string;
  /**
   * Resolves once the bot has posted what it queued (XP log, approval requests, notes, DMs): its notes,
   * approval and delivery queues hold no job to run now or later. A scheduler's next run is not pending
   * work. Gives up quietly after `timeoutMs`: the demo then goes on and shows what landed.
   */
  settled(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds dist/ when it is missing or older than the sources. */
export function ensureBuilt(log: (line: string) => void): void {
  const entry = join(ROOT, 'dist/src/main.js');
  const sources = Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'commands')));
  if (existsSync(entry) && statSync(entry).mtimeMs >= sources) return;
  log('Building the bot (npm run build)…');
  const result = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('npm run build failed');
}

async function localRedis(log: (line: string) => void): Promise<{ url: string; server?: RedisServerHandle }> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const { hostname, port } = new URL(url);
  if (await pingRedis(Number(port || 6379), hostname || '127.0.0.1')) return { url };
  log('No Redis answering at ' + url + ': starting a private redis-server…');
  const server = await startRedisServer();
  return { url: server.url, server };
}

async function waitFor(what: string, timeoutMs: number, probe: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startSandbox(log: (line: string) => void = () => undefined): Promise<Sandbox> {
  const cleanup: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  };
  try {
    ensureBuilt(log);
    const redis = await localRedis(log);
    if (redis.server) cleanup.push(() => redis.server!.stop());
    const sim = await startDiscordSimulator({ botToken: SANDBOX_BOT_TOKEN, applicationId: APPLICATION_ID, clientSecret: CLIENT_SECRET });
    cleanup.push(() => sim.close());
    const fake = await startFakeValentina({ discordApiUrl: sim.apiUrl });
    cleanup.push(() => fake.close());

    const users = {} as Record<Person, SimUser>;
    for (const name of PEOPLE) {
      const globalName = name[0]!.toUpperCase() + name.slice(1);
      users[name] =
        name === NEWCOMER
          ? sim.addUser({ username: name, globalName, email: `${name}@example.net`, verified: true })
          : sim.addUser({ id: FIXTURE_IDS.users[name].discordId!, username: name, globalName });
    }
    const guild = sim.addGuild({ name: 'Chicago by Night', ownerId: users.viktor.id, channels: [{ name: 'approvals' }, { name: 'xp-log' }] });
    for (const name of PEOPLE) if (users[name].id !== guild.ownerId) sim.addMember(guild.id, users[name].id);
    const [general, approvals, xpLog] = guild.channelIds as [string, string, string];

    const prefix = `demo-${randomBytes(3).toString('hex')}`;
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    cleanup.push(() => client.quit());
    await new GuildBindingStore(client, createKeyspace(prefix).identity).set({
      guildId: guild.id,
      companyId: FIXTURE_IDS.companies.chicago,
      companyName: 'Chicago by Night',
      approvalsChannelId: approvals,
      ...MAIN_CAMPAIGN_AS_DEFAULT,
      auditChannelId: xpLog,
      updatedBy: users.viktor.id,
    });

    // The bot's queues, to know when what it queued has been posted. Upstream first: a notes or approval job
    // queues its message before it completes, so one pass in this order never misses work handed on.
    const queueConnection = createQueueConnection(redis.url);
    cleanup.push(() => queueConnection.quit());
    const queues = [QUEUE_NAMES.notes, QUEUE_NAMES.approvals, QUEUE_NAMES.deliveries].map(
      (name) => new Queue(name, { connection: queueConnection, prefix: createKeyspace(prefix).queuePrefix }),
    );
    for (const queue of queues) cleanup.push(() => queue.close());
    const pending = async (): Promise<number> => {
      let count = 0;
      for (const queue of queues) count += await pendingJobs(queue);
      return count;
    };
    const settled = async (timeoutMs = 15_000): Promise<void> => {
      const deadline = Date.now() + timeoutMs;
      // A Redis that stopped answering says nothing about the queues: the demo goes on all the same.
      while ((await pending().catch(() => 0)) > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };

    const httpPort = await freePort();
    // The redirect /link uses, registered with the simulated Discord application as an operator would.
    sim.application.redirectUris.push(`http://127.0.0.1:${httpPort}/oauth/discord/callback`);
    mkdirSync(join(ROOT, '.demo'), { recursive: true });
    const logFile = join(ROOT, '.demo', 'bot.log');
    const out = createWriteStream(logFile);
    const bot: ChildProcess = spawn(process.execPath, [join(ROOT, 'dist/src/main.js')], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        DISCORD_TOKEN: SANDBOX_BOT_TOKEN,
        DISCORD_API_URL: sim.apiUrl,
        DISCORD_CLIENT_ID: APPLICATION_ID,
        DISCORD_CLIENT_SECRET: CLIENT_SECRET,
        VALENTINA_API_URL: fake.url,
        VALENTINA_API_KEY: fake.apiKey,
        REDIS_URL: redis.url,
        REDIS_PREFIX: prefix,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(httpPort),
        PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
        OPS_HTTP_PORT: '0',
        REGISTER_COMMANDS: `guild:${guild.id}`,
        LOG_LEVEL: 'info',
        // A short quiet gap, so a DM becomes a note while the demo waits for the answer.
        NOTES_BURST_QUIET_MS: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bot.stdout?.pipe(out);
    bot.stderr?.pipe(out);
    cleanup.push(async () => {
      if (bot.exitCode !== null) return;
      const exited = new Promise((r) => bot.once('exit', r));
      bot.kill('SIGTERM');
      const timer = setTimeout(() => bot.kill('SIGKILL'), 6_000);
      await exited;
      clearTimeout(timer);
    });
    await waitFor('the bot to register its commands', 30_000, () => {
      if (bot.exitCode !== null) throw new Error(`the bot exited (code ${bot.exitCode}); see ${logFile}`);
      return sim.commands({ guildId: guild.id }).length > 0;
    });
    await sim.gateway.waitForReady({ timeoutMs: 30_000 });
    // In DMs Discord offers the global commands, registered as `npm run deploy-commands` would: the same definitions
    // the bot registered for the server (Discord's own fields left out).
    const definitions = sim.commands({ guildId: guild.id }).map(({ id: _id, application_id: _app, guild_id: _guild, version: _version, ...body }) => body);
    const registered = await fetch(`${sim.apiUrl}/v10/applications/${APPLICATION_ID}/commands`, {
      method: 'PUT',
      headers: { authorization: `Bot ${SANDBOX_BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(definitions),
    });
    if (!registered.ok) throw new Error(`registering the global commands failed: ${registered.status} ${await registered.text()}`);

    return { sim, fake, guild, users, channels: { general, approvals, 'xp-log': xpLog }, botUrl: `http://127.0.0.1:${httpPort}`, logFile, settled, close };
  } catch (error) {
    await close();
    throw error;
  }
}
