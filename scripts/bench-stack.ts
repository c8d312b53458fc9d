/**
 * The stack the interaction and memory benchmarks run the built bot on: a private Redis, the Discord
 * simulator with the fixture's Chicago members in one guild bound to Chicago by Night, and the fake
 * Valentina with a realistic latency (rate limits off unless asked). Also the benched interactions
 * (SCENARIOS, and FLOOR for the bare pong bot) and how one is sent.
 */
import { Redis } from 'ioredis';
import { GuildBindingStore } from '../src/identity/guild-binding.js';
import { createKeyspace } from '../src/keyspace.js';
import { startDiscordSimulator, type DiscordSimulator, type OptionValue, type SimGuild, type SimUser, type SlashCommandInput, type VisibleReply } from '../packages/sandbox/src/discord-sim/index.js';
import { startFakeValentina, type FakeValentina } from '../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../packages/sandbox/src/fixture.js';
import { startRedisServer, type RedisServerHandle } from '../packages/sandbox/src/redis-server.js';
import { addLatency, LIVE_RATE_LIMITS } from './bench-valentina.js';

const MEMBERS = ['viktor', 'celeste', 'mara', 'bastien'] as const;

export interface Stack {
  redis: RedisServerHandle;
  sim: DiscordSimulator;
  fake: FakeValentina;
  guild: SimGuild;
  users: SimUser[];
  /**
   * The environment of a bot process on this stack (REDIS_PREFIX as given to startStack, or `prefix`);
   * `opsPort` serves /healthz, /readyz and /metrics (default: any free port).
   */
  botEnv(httpPort: number, opsPort?: number, prefix?: string): Record<string, string>;
  /** Binds the guild to Chicago by Night under another REDIS_PREFIX (e.g. an empty one for cold runs). */
  bind(prefix: string): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  botToken: string;
  applicationId: string;
  redisPrefix: string;
  /** Valentina's rate limit: off (default; the bot is what is measured) or the live one (§1.9). */
  rateLimits?: 'off' | 'live';
  /** Whether the fake answers with a realistic latency (default true; see bench-valentina.ts). */
  latency?: boolean;
}

export async function startStack(options: StackOptions): Promise<Stack> {
  const redis = await startRedisServer();
  const sim = await startDiscordSimulator({ botToken: options.botToken, applicationId: options.applicationId, heartbeatIntervalMs: 5_000 });
  const fake = await startFakeValentina({ discordApiUrl: sim.apiUrl, rateLimits: options.rateLimits === 'live' ? LIVE_RATE_LIMITS : false });
  if (options.latency !== false) addLatency(fake);
  const users = MEMBERS.map((name) => sim.addUser({ id: FIXTURE_IDS.users[name].discordId ?? undefined, username: name }));
  const guild = sim.addGuild({ name: 'Chicago by Night', ownerId: users[0]?.id });
  for (const user of users.slice(1)) sim.addMember(guild.id, user.id);
  const bind = async (prefix: string) => {
    const redisClient = new Redis(redis.url);
    await new GuildBindingStore(redisClient, createKeyspace(prefix).identity).set({
      guildId: guild.id,
      companyId: FIXTURE_IDS.companies.chicago,
      companyName: 'Chicago by Night',
      approvalsChannelId: guild.defaultChannelId,
      ...MAIN_CAMPAIGN_AS_DEFAULT,
      auditChannelId: null,
      updatedBy: users[0]!.id,
    });
    await redisClient.quit();
  };
  await bind(options.redisPrefix);
  return {
    redis,
    sim,
    fake,
    guild,
    users,
    bind,
    botEnv: (httpPort, opsPort = 0, prefix = options.redisPrefix) => ({
      DISCORD_TOKEN: options.botToken,
      DISCORD_API_URL: sim.apiUrl,
      DISCORD_CLIENT_ID: options.applicationId,
      DISCORD_CLIENT_SECRET: 'sim-client-secret',
      PUBLIC_URL: `http://127.0.0.1:${httpPort}`,
      VALENTINA_API_URL: fake.url,
      VALENTINA_API_KEY: fake.apiKey,
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      // The bench's Redis keeps nothing on disk; a bot that checks for durability at start-up is told that is fine.
      REDIS_ALLOW_VOLATILE: 'true',
      // The bot's request budget starts as large as the fake, which sets no limit unless a bench turns the
      // live one on (then its RateLimit-Policy header resizes the budget from the first answer on).
      VALENTINA_RATE_LIMIT: '100000/1',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      OPS_HTTP_PORT: String(opsPort),
      REGISTER_COMMANDS: `guild:${guild.id}`,
      LOG_LEVEL: 'warn',
    }),
    close: async () => {
      await sim.close();
      await fake.close();
      await redis.stop();
    },
  };
}

export interface Scenario {
  name: string;
  command: string;
  options?: Record<string, OptionValue>;
  /**
   * What it asks of Valentina, for the goal on calls per interaction: a write (goal 1 call on a warm
   * cache), an autocomplete (goal 0), a read, or nothing at all.
   */
  kind: 'write' | 'read' | 'autocomplete' | 'local';
  /** Index into the stack's users of the one who runs it; default: rotate through all. */
  as?: number;
  subcommand?: string;
  /** Bench the autocomplete of this option (until the choices arrive) instead of running the command. */
  focused?: string;
  /** Measure until the visible reply (e.g. a deferred dice embed), not just the initial response. */
  untilReply?: boolean;
  /** The visible reply carries a PNG (checked once per run, so a chart that is not drawn is noticed). */
  png?: boolean;
}

/** What gets benched on the bot. Later features add their commands here. */
export const SCENARIOS: Scenario[] = [
  { name: '/ping', command: 'ping', kind: 'local' },
  { name: '/help', command: 'help', kind: 'local' },
  // celeste (storyteller) grants bastien 1 XP.
  { name: '/xp add', command: 'xp', subcommand: 'add', options: { user: FIXTURE_IDS.users.bastien.discordId!, amount: 1 }, kind: 'write', as: 1 },
  { name: '/xp show', command: 'xp', subcommand: 'show', options: {}, kind: 'read', as: 2 },
  // mara rolls Shoot for Lucien: up to the "thinking…" acknowledgement, then until the dice embed shows.
  { name: '/quickroll run (acknowledged)', command: 'quickroll', subcommand: 'run', options: { quickroll: FIXTURE_IDS.quickrolls.shoot }, kind: 'write', as: 2 },
  { name: '/quickroll run → dice embed', command: 'quickroll', subcommand: 'run', options: { quickroll: FIXTURE_IDS.quickrolls.shoot, comment: 'bench' }, untilReply: true, kind: 'write', as: 2 },
  // After mara's rolls above: her statistics with the chart drawn and PNG-encoded in the chart worker.
  { name: '/stats me → chart', command: 'stats', subcommand: 'me', options: {}, untilReply: true, png: true, kind: 'read', as: 2 },
  { name: '/quickroll run · quickroll autocomplete', command: 'quickroll', subcommand: 'run', options: { quickroll: 'sh' }, focused: 'quickroll', kind: 'autocomplete', as: 2 },
  { name: '/quickroll run · character autocomplete', command: 'quickroll', subcommand: 'run', options: { quickroll: FIXTURE_IDS.quickrolls.shoot, character: 'lu' }, focused: 'character', kind: 'autocomplete', as: 2 },
  { name: '/quickroll create · traits autocomplete', command: 'quickroll', subcommand: 'create', options: { name: 'Bench', traits: 'Strength, b' }, focused: 'traits', kind: 'autocomplete', as: 2 },
];

/** What the bare pong bot (scripts/pong-bot.ts) is benched on: the floor of a command and of an autocomplete. */
export const FLOOR: { command: Scenario; autocomplete: Scenario } = {
  command: { name: '/ping (pong bot)', command: 'ping', kind: 'local' },
  autocomplete: { name: '/pick · autocomplete (pong bot)', command: 'pick', options: { choice: 'sh' }, focused: 'choice', kind: 'autocomplete' },
};

/** The floor's scenario for a bot scenario: an autocomplete for an autocomplete, /ping for a command. */
export const floorOf = (scenario: Scenario): Scenario => (scenario.focused ? FLOOR.autocomplete : FLOOR.command);

/**
 * Registers the pong bot's commands (/ping and /pick with an autocompleted option) as global
 * commands; the bot registers its own in the guild, which Discord looks up first.
 */
export async function registerFloorCommands(stack: Pick<Stack, 'sim'>, botToken: string, applicationId: string): Promise<void> {
  const res = await fetch(`${stack.sim.apiUrl}/v10/applications/${applicationId}/commands`, {
    method: 'PUT',
    headers: { authorization: `Bot ${botToken}`, 'content-type': 'application/json' },
    body: JSON.stringify([
      { name: 'ping', description: 'Ping' },
      { name: 'pick', description: 'Pick', options: [{ type: 3, name: 'choice', description: 'Choice', autocomplete: true }] },
    ]),
  });
  if (!res.ok) throw new Error(`registering the pong bot's commands failed: ${res.status}`);
}

export function scenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
}

function inputFor(stack: Pick<Stack, 'guild' | 'users'>, scenario: Scenario, i: number): SlashCommandInput {
  const user = stack.users[scenario.as ?? i % stack.users.length]!;
  return {
    user,
    guildId: stack.guild.id,
    command: scenario.command,
    ...(scenario.subcommand ? { subcommand: scenario.subcommand } : {}),
    ...(scenario.options ? { options: scenario.options } : {}),
  };
}

/** Sends interaction `i` of a scenario and resolves with its latency in ms (see Scenario). */
export async function sendOnce(stack: Pick<Stack, 'sim' | 'guild' | 'users'>, scenario: Scenario, i: number): Promise<number> {
  return (await sendAndSee(stack, scenario, i)).ms;
}

/** Sends interaction `i` of a scenario: its latency in ms and, for `untilReply`, the visible reply. */
export async function sendAndSee(stack: Pick<Stack, 'sim' | 'guild' | 'users'>, scenario: Scenario, i: number): Promise<{ ms: number; reply?: VisibleReply }> {
  const started = performance.now();
  if (scenario.focused) {
    await stack.sim.autocomplete({ ...inputFor(stack, scenario, i), focused: scenario.focused });
    return { ms: performance.now() - started };
  }
  const handle = await stack.sim.slashCommand(inputFor(stack, scenario, i));
  if (!scenario.untilReply) {
    await handle.initialResponse();
    return { ms: performance.now() - started };
  }
  const reply = await handle.reply();
  return { ms: performance.now() - started, reply };
}
