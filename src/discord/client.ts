/**
 * The discord.js client, configured so its memory stays flat however many guilds, members and
 * messages it sees: only the Guilds, GuildVoiceStates and DirectMessages intents (nothing privileged), small or zero
 * caches for everything the bot never reads back, and sweepers for what it does keep for a while.
 */
import { ChannelType, Client, GatewayIntentBits, Options, Partials, type ClientOptions } from 'discord.js';
import { ConfigError, type Config } from '../config.js';
import { restApiUrl, restTransport } from './register.js';

/** How long a swept item may stay cached, and how often sweepers run (seconds). */
const SWEEP = {
  messageLifetime: 300,
  messageInterval: 300,
  userInterval: 900,
  threadLifetime: 3600,
  threadInterval: 3600,
} as const;

export function discordClientOptions(config: Config): ClientOptions {
  const { shardIds, shardCount } = config.discord;
  // discord.js would otherwise take the number of listed shards as the total.
  if (shardIds && !shardCount) throw new ConfigError('Configuration error: SHARD_IDS needs SHARD_COUNT (the total number of shards)');
  const sharding: Pick<ClientOptions, 'shards' | 'shardCount'> = shardIds
    ? { shards: shardIds, ...(shardCount ? { shardCount } : {}) }
    : shardCount
      ? { shards: Array.from({ length: shardCount }, (_, id) => id), shardCount }
      : {};

  return {
    // Slash commands, components and autocomplete arrive without any intent; Guilds gives the guild
    // list and channels, DirectMessages lets the bot see DMs sent to it.
    // GuildVoiceStates (not privileged) keeps who is in which voice channel, for `/xp session`.
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildVoiceStates, GatewayIntentBits.DirectMessages],
    // DM channels are not cached until used; without this partial their first message is dropped.
    partials: [Partials.Channel],
    rest: { api: restApiUrl(config), ...restTransport },
    ...sharding,
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 10,
      DMMessageManager: 10,
      GuildMessageManager: 10,
      GuildMemberManager: { maxSize: 0, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: 1_000, keepOverLimit: (user) => user.id === user.client.user.id },
      PresenceManager: 0,
      // Voice states stay cached (one small record per member connected to voice): `/xp session` reads them.
      ReactionManager: 0,
      ReactionUserManager: 0,
      GuildBanManager: 0,
      GuildInviteManager: 0,
      GuildEmojiManager: 0,
      BaseGuildEmojiManager: 0,
      GuildStickerManager: 0,
      GuildScheduledEventManager: 0,
      StageInstanceManager: 0,
      ThreadMemberManager: 0,
      AutoModerationRuleManager: 0,
      ApplicationCommandManager: 0,
      EntitlementManager: 0,
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      messages: { interval: SWEEP.messageInterval, lifetime: SWEEP.messageLifetime },
      threads: { interval: SWEEP.threadInterval, lifetime: SWEEP.threadLifetime },
      users: { interval: SWEEP.userInterval, filter: () => (user) => user.id !== user.client.user.id },
    },
    // Replies never ping anyone unless a handler asks for it explicitly.
    allowedMentions: { parse: [], repliedUser: false },
  };
}

export function createDiscordClient(config: Config): Client {
  return new Client(discordClientOptions(config));
}

/**
 * Drops cached DM channels (each user who ever wrote to the bot leaves one, and discord.js has no
 * sweeper for them); the next DM recreates the channel from the partial.
 */
export function sweepDirectMessageChannels(client: Client): number {
  return client.channels.cache.sweep((channel) => channel.type === ChannelType.DM);
}
