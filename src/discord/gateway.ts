/**
 * The gateway side of the bot: the discord.js client's events wired to the interaction router and
 * the DM handler, connection state in the logs, command registration before login, and the
 * readiness of every shard.
 */
import { Events, Status, type Client, type Guild } from 'discord.js';
import { sweepDirectMessageChannels } from './client.js';
import { loggableError } from './errors.js';
import { describeScope, registerCommands } from './register.js';
import type { InteractionRouter } from './router.js';
import type { ShardLease } from './shard-lease.js';
import type { BotDeps, DirectMessageHandler } from './types.js';

const DM_CHANNEL_SWEEP_MS = 30 * 60_000;

export interface GatewayOptions {
  client: Client;
  router: InteractionRouter;
  deps: BotDeps;
  onDirectMessage: DirectMessageHandler;
  /** Held while connected (src/discord/shard-lease.ts): login waits until this process holds its shards. */
  lease?: ShardLease;
  /** The bot joined a server (not a start-up GUILD_CREATE) or was removed from one (not an outage). */
  guilds?: { joined(guild: Guild): Promise<unknown>; removed(guildId: string): Promise<unknown> };
}

export interface RunningGateway {
  /** Every shard is connected and READY (false while reconnecting or resuming). */
  ready(): boolean;
  /** Closes every shard; the router should be drained first. */
  close(): Promise<void>;
}

export function shardsReady(client: Client): boolean {
  return client.isReady() && client.ws.shards.size > 0 && client.ws.shards.every((shard) => shard.status === Status.Ready);
}

export async function startGateway({ client, router, deps, onDirectMessage, lease, guilds }: GatewayOptions): Promise<RunningGateway> {
  const { config, logger } = deps;
  client.on(Events.InteractionCreate, (interaction) => void router.handle(interaction));
  client.on(Events.MessageCreate, (message) => {
    if (message.author.bot || message.inGuild()) return;
    onDirectMessage(message, deps).catch((error: unknown) =>
      logger.warn({ kind: 'dm', userId: message.author.id, err: loggableError(error) }, 'direct message handler failed'),
    );
  });
  if (guilds) {
    // discord.js emits guildCreate only for a server new to it once connected, guildDelete only without `unavailable`.
    client.on(Events.GuildCreate, (guild) => void guilds.joined(guild));
    client.on(Events.GuildDelete, (guild) => void guilds.removed(guild.id));
  }
  client.once(Events.ClientReady, (ready) => logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'gateway ready'));
  client.on(Events.ShardDisconnect, (event, shardId) => logger.warn({ shardId, code: event.code }, 'gateway disconnected'));
  client.on(Events.ShardReconnecting, (shardId) => logger.info({ shardId }, 'gateway reconnecting'));
  client.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, 'gateway resumed'));
  client.on(Events.Error, (error) => logger.error({ err: loggableError(error) }, 'discord client error'));
  client.on(Events.Warn, (message) => logger.warn({ message }, 'discord client warning'));
  const sweepTimer = setInterval(() => sweepDirectMessageChannels(client), DM_CHANNEL_SWEEP_MS).unref();

  const scope = config.discord.registerCommands;
  if (scope) {
    client.rest.setToken(config.discord.token);
    try {
      const registered = await registerCommands({ rest: client.rest, applicationId: config.discord.clientId, scope, commands: deps.commands });
      logger.info({ scope: describeScope(scope), commands: registered.map((command) => command.name) }, 'registered commands');
    } catch (error) {
      // The commands registered earlier keep working; serving them beats not starting at all.
      logger.error({ err: loggableError(error), scope: describeScope(scope) }, 'command registration failed');
    }
  }

  let closed = false;
  /** Waits for the shard lease, then logs in; false when closed while waiting. */
  const connect = async (): Promise<boolean> => {
    if (lease && !(await lease.acquire())) return false;
    lease?.keepRenewing((shardId) => {
      // Another process holds the shard now (this one stalled past the lease): stop answering at once.
      logger.error({ shardId }, 'gateway lost its shard lease to another process; disconnecting until the shards are free again');
      void client
        .destroy()
        .then(async () => {
          if (!closed && (await connect())) await client.login(config.discord.token);
        })
        .catch((error: unknown) => logger.error({ err: loggableError(error) }, 'gateway could not reconnect after losing its shard lease'));
    });
    return true;
  };
  if (await connect()) await client.login(config.discord.token);

  return {
    ready: () => shardsReady(client),
    async close() {
      closed = true;
      clearInterval(sweepTimer);
      await client.destroy();
      // Only once disconnected: a process waiting for these shards connects now.
      await lease?.release();
    },
  };
}
