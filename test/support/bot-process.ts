/**
 * The whole stack for end-to-end tests: the Discord simulator, the fake Valentina API (standard
 * fixture), the shared real Redis under a unique prefix, a guild whose members are the fixture's
 * Discord users — and the bot itself, started as a child process exactly as `npm start` runs it
 * (`node dist/src/main.js`, configured only through its environment). Run `npm run build` first.
 *
 *   const stack = await startStack();
 *   const handle = await stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'ping' });
 *   expect((await handle.reply()).content).toContain('Pong');
 *   await stack.close();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import type { DiscordSimulator, DiscordSimulatorOptions } from '../../packages/sandbox/src/discord-sim/api.js';
import type { SimGuild, SimUser } from '../../packages/sandbox/src/discord-sim/model.js';
import { startFakeValentina, type FakeValentina, type FakeValentinaOptions } from '../../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { loadConfig } from '../../src/config.js';
import { GuildBindingStore, type GuildBinding, type GuildBindingInput } from '../../src/identity/guild-binding.js';
import { createKeyspace } from '../../src/keyspace.js';
import { createRedisConnection, type RedisConnection } from '../../src/redis.js';
import { botPorts, moveTakenPort, PORT_ATTEMPTS, type BotPortKey } from './ports.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const BOT_ENTRY = join(REPO_ROOT, 'dist/src/main.js');

/** Fixture users that have a Discord account and belong to Chicago by Night. */
export const GUILD_MEMBERS = ['viktor', 'celeste', 'mara', 'bastien', 'nadia', 'otto'] as const;
export type GuildMemberName = (typeof GUILD_MEMBERS)[number];

export const SIM_BOT_TOKEN = 'sim-bot-token.e2e';
/**
 * How long a bot process may take to start. Generous: on a machine busy with other test runs a start
 * that takes a second when idle can take many; a bot that never comes up still fails, with its logs.
 */
export const START_TIMEOUT_MS = 60_000;
export const SIM_APPLICATION_ID = '1180000000000000001';
export const SIM_CLIENT_SECRET = 'sim-client-secret';

export interface StackOptions {
  /** Options for the fake Valentina (its `discordApiUrl` defaults to the simulator). */
  fake?: FakeValentinaOptions;
  /** Extra simulator options (token and application id are the harness's). */
  sim?: Partial<Omit<DiscordSimulatorOptions, 'botToken' | 'applicationId'>>;
  /** Extra or overriding environment for the bot process; a port named here stays where it is. */
  env?: Record<string, string>;
  /**
   * Whether `<PUBLIC_URL>/oauth/discord/callback` is registered with the application (OAuth2 → Redirects);
   * default true. false: an operator forgot it, and Discord refuses /link's sign-in.
   */
  registerRedirect?: boolean;
  /** The bot's ports to try first (default fresh ones); unlike ports in `env`, moved when found taken at start-up. */
  ports?: Partial<Record<BotPortKey, number>>;
  /** Redis to use; default the test suite's shared server (`redisUrl()`). */
  redisUrl?: string;
  /**
   * Another Redis topology, as the bot's environment names it (e.g. `{ REDIS_CLUSTER_NODES: … }`),
   * in place of REDIS_URL; the stack's own client connects the same way.
   */
  redisEnv?: Record<string, string>;
  /** Key prefix; default a fresh unique one. */
  redisPrefix?: string;
  /** Wait for this many registered guild commands; default: any (at least one). */
  expectedCommands?: number;
  /** How long start-up may take before failing with the bot's logs; default {@link START_TIMEOUT_MS}. */
  startTimeoutMs?: number;
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Milliseconds from the stop signal to the exit. */
  ms: number;
}

export interface BotProcess {
  /** `http://127.0.0.1:PORT` of the bot's public server (the OAuth callback of `/link`). */
  readonly httpUrl: string;
  /** `http://127.0.0.1:PORT` of the bot's ops server: /healthz, /readyz and /metrics. */
  readonly opsUrl: string;
  readonly pid: number | undefined;
  /** Everything the bot wrote to stdout and stderr, line by line (LOG_LEVEL=warn by default). */
  readonly logs: string[];
  /** The environment the bot runs with (secrets included: never print it). */
  readonly env: Record<string, string>;
  /** Sends `signal` (default SIGTERM) and resolves when the process exited. */
  stop(signal?: NodeJS.Signals): Promise<ExitInfo>;
  /** Stops (if running) and starts a fresh process with the same environment; resolves when ready. */
  restart(): Promise<void>;
  /** Resolves when the current process exits, however it happens. */
  readonly exited: Promise<ExitInfo>;
}

export interface Stack {
  sim: DiscordSimulator;
  fake: FakeValentina;
  guild: SimGuild;
  users: Record<GuildMemberName, SimUser>;
  bot: BotProcess;
  /** `url`: the single Redis (unused with `redisEnv`); `prefix`: the key prefix as the bot uses it. */
  redis: { url: string; prefix: string; client: RedisConnection };
  close(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  if (!existsSync(BOT_ENTRY)) throw new Error(`${BOT_ENTRY} is missing: run \`npm run build\` first`);
  const redisUrl = options.redisUrl ?? (await import('./redis.js')).redisUrl();
  const prefix = options.redisPrefix ?? `e2e-${randomBytes(4).toString('hex')}`;

  const sim = await startDiscordSimulator({
    heartbeatIntervalMs: 1_000,
    ...options.sim,
    botToken: SIM_BOT_TOKEN,
    applicationId: SIM_APPLICATION_ID,
    clientSecret: SIM_CLIENT_SECRET,
  });
  const cleanup: Array<() => Promise<unknown>> = [() => sim.close()];
  try {
    const fake = await startFakeValentina({ discordApiUrl: sim.apiUrl, ...options.fake });
    cleanup.push(() => fake.close());

    const users = {} as Record<GuildMemberName, SimUser>;
    for (const name of GUILD_MEMBERS) {
      const id = FIXTURE_IDS.users[name].discordId;
      if (id === null) throw new Error(`fixture user ${name} has no Discord account`);
      users[name] = sim.addUser({ id, username: name, globalName: capitalize(name) });
    }
    const guild = sim.addGuild({ name: 'Chicago by Night', ownerId: users.viktor.id });
    for (const name of GUILD_MEMBERS) if (users[name].id !== guild.ownerId) sim.addMember(guild.id, users[name].id);

    const ports = await botPorts();
    if (options.ports?.HTTP_PORT) Object.assign(ports, { HTTP_PORT: String(options.ports.HTTP_PORT), PUBLIC_URL: `http://127.0.0.1:${options.ports.HTTP_PORT}` });
    if (options.ports?.OPS_HTTP_PORT) ports.OPS_HTTP_PORT = String(options.ports.OPS_HTTP_PORT);
    const env: Record<string, string> = {
      ...upstreamEnv(sim, fake),
      ...(options.redisEnv ?? { REDIS_URL: redisUrl }),
      REDIS_PREFIX: prefix,
      HTTP_HOST: '127.0.0.1',
      ...ports,
      REGISTER_COMMANDS: `guild:${guild.id}`,
      LOG_LEVEL: 'warn',
      ...options.env,
    };
    // Registered in the Developer Portal, as docs/deploy.md says: the start-up check looks for it, and Discord
    // refuses the sign-in of /link to any redirect not registered.
    const registerRedirect = (url: string | undefined) =>
      void (url && options.registerRedirect !== false && sim.application.redirectUris.push(`${url}/oauth/discord/callback`));
    registerRedirect(env.PUBLIC_URL);
    const bot = new ChildBot(
      env,
      async () => {
        await waitFor('the guild commands to be registered', options.startTimeoutMs ?? START_TIMEOUT_MS, () => {
          const count = sim.commands({ guildId: guild.id }).length;
          return options.expectedCommands === undefined ? count > 0 : count === options.expectedCommands;
        });
        await sim.gateway.waitForReady({ timeoutMs: options.startTimeoutMs ?? START_TIMEOUT_MS });
      },
      // A port the caller chose (something may point at it, like a proxy's upstream) stays where it is.
      { movablePorts: (['HTTP_PORT', 'OPS_HTTP_PORT'] as const).filter((key) => options.env?.[key] === undefined), onPortsMoved: (moved) => registerRedirect(moved.PUBLIC_URL) },
    );
    cleanup.push(() => bot.stop('SIGKILL'));
    await bot.start(options.startTimeoutMs ?? START_TIMEOUT_MS);

    // Connected through the bot's own configuration, so it reaches the same keys however Redis is deployed.
    const redisConfig = loadConfig(env).redis;
    const client = createRedisConnection(redisConfig, 'cache', { lazyConnect: true });
    await client.connect();
    cleanup.push(async () => {
      await client.quit().catch(() => client.disconnect());
    });

    return {
      sim,
      fake,
      guild,
      users,
      bot,
      redis: { url: redisUrl, prefix: redisConfig.prefix, client },
      async close() {
        await runCleanup(cleanup);
      },
    };
  } catch (error) {
    await runCleanup(cleanup);
    throw error;
  }
}

export interface ChildBotOptions {
  /**
   * Ports (env keys) this process moves to a fresh port when another process took them before the bot listened
   * (its start-up fails with `listen EADDRINUSE`); default both. PUBLIC_URL follows HTTP_PORT when it led to it directly.
   */
  movablePorts?: readonly BotPortKey[];
  /** Called with the environment after a port moved (e.g. to register the new PUBLIC_URL's OAuth redirect). */
  onPortsMoved?: (env: Record<string, string>) => void;
}

/**
 * Starts `node dist/src/main.js` with a clean environment and supervises it. Exported for tests that
 * run several bot processes (shards, workers) against one stack; a process without the `http` role
 * (BOT_ROLES) has no /healthz, so only `waitUntilServing` tells when it is up. `env` names both ports
 * (HTTP_PORT and OPS_HTTP_PORT); a start that fails because one was taken in the meantime is made again
 * on a fresh one (test/support/ports.ts), any other failed start is not.
 */
export class ChildBot implements BotProcess {
  /** Every bot process this test file started, so a failed test can keep their logs (test/setup/bot-logs.ts). */
  static readonly started = new Set<ChildBot>();
  readonly logs: string[] = [];
  /** Processes spawned so far (a start retried on fresh ports spawns more than one). */
  spawns = 0;
  private child: ChildProcess | undefined;
  private exit: Promise<ExitInfo> = Promise.resolve({ code: null, signal: null, ms: 0 });
  private stoppedAt = 0;

  constructor(
    readonly env: Record<string, string>,
    private readonly waitUntilServing: () => Promise<void>,
    private readonly options: ChildBotOptions = {},
  ) {
    ChildBot.started.add(this);
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.env.HTTP_PORT}`;
  }

  get opsUrl(): string {
    return `http://127.0.0.1:${this.env.OPS_HTTP_PORT}`;
  }

  /** Roles and shards, to tell the logs of several processes apart. */
  get label(): string {
    const roles = this.env.BOT_ROLES ?? 'all roles';
    return this.env.SHARD_IDS === undefined ? roles : `${roles}, shard ${this.env.SHARD_IDS}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get exited(): Promise<ExitInfo> {
    return this.exit;
  }

  /** Starts the process and waits until it serves; again on a fresh port if its port was taken in between. */
  async start(timeoutMs: number): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      const from = this.logs.length;
      try {
        await this.startOnce(timeoutMs);
        return;
      } catch (error) {
        if (attempt >= PORT_ATTEMPTS || !(await this.movePortTaken(from))) throw error;
      }
    }
  }

  /**
   * When the attempt whose logs start at `from` exited because one of this process's movable ports was taken:
   * moves that port, replaces the attempt's lines by one saying so, and returns true.
   */
  private async movePortTaken(from: number): Promise<boolean> {
    const moved = await moveTakenPort(this.env, this.logs.slice(from), this.options.movablePorts);
    if (!moved) return false;
    this.logs.splice(from, this.logs.length - from, `[test harness] ${moved.key} ${moved.from} was taken before the bot listened on it (listen EADDRINUSE); starting it again on ${moved.to}`);
    this.options.onPortsMoved?.(this.env);
    return true;
  }

  private async startOnce(timeoutMs: number): Promise<void> {
    this.spawns += 1;
    const child = spawn(process.execPath, [BOT_ENTRY], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.stoppedAt = 0;
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream?.setEncoding('utf8');
      stream?.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        this.logs.push(...lines.filter((line) => line.length > 0));
      });
    }
    this.exit = new Promise<ExitInfo>((resolveExit) => {
      child.once('exit', (code, signal) => {
        resolveExit({ code, signal, ms: this.stoppedAt ? Date.now() - this.stoppedAt : 0 });
      });
    });
    // After 'close', every line it wrote has been read (its start-up failure says why it exited).
    const closed = new Promise<void>((resolveClose) => child.once('close', () => resolveClose()));
    const died = closed.then(() => this.exit).then((info) => {
      throw new Error(`the bot exited during start-up (code ${info.code}, signal ${info.signal}):\n${this.tail()}`);
    });
    try {
      await Promise.race([
        (async () => {
          const serves = this.env.BOT_ROLES === undefined || this.env.BOT_ROLES.split(',').some((role) => role.trim() === 'http');
          if (serves) await waitFor('the bot to answer /healthz', timeoutMs, () => ping(`${this.opsUrl}/healthz`));
          await this.waitUntilServing();
        })(),
        died,
      ]);
    } catch (error) {
      if (error instanceof Error && !error.message.includes('exited during start-up')) error.message += `\n${this.tail()}`;
      throw error;
    } finally {
      died.catch(() => undefined);
    }
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ExitInfo> {
    const child = this.child;
    if (child?.exitCode !== null || child.signalCode !== null) return this.exit;
    this.stoppedAt = Date.now();
    child.kill(signal);
    return this.exit;
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start(START_TIMEOUT_MS);
  }

  private tail(): string {
    return this.logs.slice(-40).join('\n');
  }
}

async function ping(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/** What a bot process needs to reach the simulated Discord and the fake Valentina (the harness's app and token). */
export function upstreamEnv(sim: Pick<DiscordSimulator, 'apiUrl'>, fake: Pick<FakeValentina, 'url' | 'apiKey'>): Record<string, string> {
  return {
    DISCORD_TOKEN: SIM_BOT_TOKEN,
    DISCORD_API_URL: sim.apiUrl,
    DISCORD_CLIENT_ID: SIM_APPLICATION_ID,
    DISCORD_CLIENT_SECRET: SIM_CLIENT_SECRET,
    VALENTINA_API_URL: fake.url,
    VALENTINA_API_KEY: fake.apiKey,
  };
}

/** Polls `probe` until it is true, failing with a message naming `what` after `timeoutMs`. */
export async function waitFor(what: string, timeoutMs: number, probe: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function runCleanup(steps: Array<() => Promise<unknown>>): Promise<void> {
  for (const step of steps.reverse()) {
    await step().catch(() => undefined);
  }
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * Binds the stack's guild to Chicago by Night, as `/setup connect` would (approvals in the default channel);
 * `overrides` changes any field, e.g. a default campaign or an audit channel.
 */
export async function bindChicago(stack: Stack, overrides: Partial<GuildBindingInput> = {}): Promise<GuildBinding> {
  return new GuildBindingStore(stack.redis.client, createKeyspace(stack.redis.prefix).identity).set({
    guildId: stack.guild.id,
    companyId: FIXTURE_IDS.companies.chicago,
    companyName: 'Chicago by Night',
    approvalsChannelId: stack.guild.defaultChannelId,
    defaultCampaignId: null,
    defaultCampaignName: null,
    auditChannelId: null,
    updatedBy: stack.users.viktor.id,
    ...overrides,
  });
}
