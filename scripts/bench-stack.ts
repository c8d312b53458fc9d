/**
 * The stack the interaction and memory benchmarks run the built bot on: a private Redis, the Discord
 * simulator with the fixture's Chicago members in one guild bound to Chicago by Night, and the fake
 * Valentina (no rate limits). Also the benched interactions (SCENARIOS) and how one is sent.
 */
import { Redis } from 'ioredis';
import { GuildBindingStore } from '../src/identity/guild-binding.js';
import { startDiscordSimulator, type DiscordSimulator, type OptionValue, type SimGuild, type SimUser, type SlashCommandInput } from '../packages/sandbox/src/discord-sim/index.js';
import { startFakeValentina, type FakeValentina } from '../packages/sandbox/src/fake-valentina/index.js';
import { FIXTURE_IDS } from '../packages/sandbox/src/fixture.js';
import { startRedisServer, type RedisServerHandle } from '../packages/sandbox/src/redis-server.js';

const MEMBERS = ['viktor', 'celeste', 'mara', 'bastien'] as const;

export interface Stack {
  redis: RedisServerHandle;
  sim: DiscordSimulator;
  fake: FakeValentina;
  guild: SimGuild;
  users: SimUser[];
  /**
   * The environment of a bot process on this stack (REDIS_PREFIX as given to startStack); `opsPort`
   * serves /healthz, /readyz and /metrics (default: any free port).
   */
  botEnv(httpPort: number, opsPort?: number): Record<string, string>;
  close(): Promise<void>;
}

export async function startStack(options: { botToken: string; applicationId: string; redisPrefix: string }): Promise<Stack> {
  const redis = await startRedisServer();
  const sim = await startDiscordSimulator({ botToken: options.botToken, applicationId: options.applicationId, heartbeatIntervalMs: 5_000 });
  const fake = await startFakeValentina({ discordApiUrl: sim.apiUrl, rateLimits: false });
  const users = MEMBERS.map((name) => sim.addUser({ id: FIXTURE_IDS.users[name].discordId ?? undefined, username: name }));
  const guild = sim.addGuild({ name: 'Chicago by Night', ownerId: users[0]?.id });
  for (const user of users.slice(1)) sim.addMember(guild.id, user.id);
  const redisClient = new Redis(redis.url);
  await new GuildBindingStore(redisClient, options.redisPrefix).set({
    guildId: guild.id,
    companyId: FIXTURE_IDS.companies.chicago,
    companyName: 'Chicago by Night',
    approvalsChannelId: guild.defaultChannelId,
    defaultCampaignId: FIXTURE_IDS.campaigns.main,
    defaultCampaignName: 'Requiem for the Loop',
    auditChannelId: null,
    updatedBy: users[0]!.id,
  });
  await redisClient.quit();
  return {
    redis,
    sim,
    fake,
    guild,
    users,
    botEnv: (httpPort, opsPort = 0) => ({
      DISCORD_TOKEN: options.botToken,
      DISCORD_API_URL: sim.apiUrl,
      DISCORD_CLIENT_ID: options.applicationId,
      DISCORD_CLIENT_SECRET: 'sim-client-secret',
      VALENTINA_API_URL: fake.url,
      VALENTINA_API_KEY: fake.apiKey,
      REDIS_URL: redis.url,
      REDIS_PREFIX: options.redisPrefix,
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
  /** Whether the bare pong bot answers it too (only /ping). */
  baseline: boolean;
  /** Index into the stack's users of the one who runs it; default: rotate through all. */
  as?: number;
  subcommand?: string;
  /** Bench the autocomplete of this option (until the choices arrive) instead of running the command. */
  focused?: string;
  /** Measure until the visible reply (e.g. a deferred dice embed), not just the initial response. */
  untilReply?: boolean;
}

/** What gets benched. Later features add their commands here. */
export const SCENARIOS: Scenario[] = [
  { name: '/ping', command: 'ping', baseline: true },
  { name: '/help', command: 'help', baseline: false },
  { name: '/help command:ping', command: 'help', options: { command: 'ping' }, baseline: false },
  // celeste (storyteller) grants bastien 1 XP: one Valentina write per interaction on a warm cache.
  { name: '/xp add', command: 'xp', subcommand: 'add', options: { user: FIXTURE_IDS.users.bastien.discordId!, amount: 1 }, baseline: false, as: 1 },
  { name: '/xp show', command: 'xp', subcommand: 'show', options: {}, baseline: false, as: 2 },
  { name: '/quickroll run', command: 'quickroll', subcommand: 'run', options: { quickroll: FIXTURE_IDS.quickrolls.shoot }, baseline: false, as: 2 },
  // mara rolls Shoot for Lucien: P3 sheet read + R1 roll per interaction; measured until the dice embed shows.
  { name: '/quickroll run → dice embed', command: 'quickroll', subcommand: 'run', options: { quickroll: FIXTURE_IDS.quickrolls.shoot, comment: 'bench' }, untilReply: true, baseline: false, as: 2 },
  // Autocomplete answers from the Redis caches (no Valentina call once warm).
  { name: '/quickroll run · quickroll autocomplete', command: 'quickroll', subcommand: 'run', options: { quickroll: 'sh' }, focused: 'quickroll', baseline: false, as: 2 },
  { name: '/quickroll run · character autocomplete', command: 'quickroll', subcommand: 'run', options: { quickroll: FIXTURE_IDS.quickrolls.shoot, character: 'lu' }, focused: 'character', baseline: false, as: 2 },
  { name: '/quickroll create · traits autocomplete', command: 'quickroll', subcommand: 'create', options: { name: 'Bench', traits: 'Strength, b' }, focused: 'traits', baseline: false, as: 2 },
];

export function scenario(name: string): Scenario {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`no scenario ${name}`);
  return found;
}

function inputFor(stack: Pick<Stack, 'guild' | 'users'>, scenario: Scenario, i: number): SlashCommandInput {
  const user = stack.users[scenario.as ?? i % stack.users.length] as SimUser;
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
  const started = performance.now();
  if (scenario.focused) {
    await stack.sim.autocomplete({ ...inputFor(stack, scenario, i), focused: scenario.focused });
    return performance.now() - started;
  }
  const handle = await stack.sim.slashCommand(inputFor(stack, scenario, i));
  await (scenario.untilReply ? handle.reply() : handle.initialResponse());
  return performance.now() - started;
}
