/**
 * Wires the bot together by role (BOT_ROLES):
 *   gateway — the Discord client, the interaction router and DMs;
 *   worker  — queue workers (each registers its close() in `closers`);
 *   http    — /healthz, /readyz, /metrics and the routes features mount.
 * Redis, the Valentina client and metrics are shared by every role.
 */
import { Events, Status, type Client } from 'discord.js';
import { Redis } from 'ioredis';
import { commands as registry } from '../commands/index.js';
import type { Config } from './config.js';
import { createDiscordClient, sweepDirectMessageChannels } from './discord/client.js';
import { createDirectMessageHandler } from './discord/direct-messages.js';
import { loggableError } from './discord/errors.js';
import { describeScope, registerCommands } from './discord/register.js';
import { InteractionRouter } from './discord/router.js';
import type { BotDeps, CommandModule } from './discord/types.js';
import { cachedCheck, mountHealthRoutes, redisCheck, type NamedCheck } from './http/health.js';
import { createMetrics } from './http/metrics.js';
import { RouteTable, startHttpServer, type RunningHttpServer } from './http/server.js';
import type { Logger } from './logger.js';
import { ValentinaClient } from './valentina/index.js';

/** In-flight interactions get this long to finish on shutdown; the whole stop stays well under 5 s. */
export const DRAIN_TIMEOUT_MS = 2_500;
const VALENTINA_HEALTH_TTL_MS = 5_000;
const DM_CHANNEL_SWEEP_MS = 30 * 60_000;

export interface App {
  readonly deps: BotDeps;
  /** Features mount HTTP routes here before `start()`. */
  readonly routes: RouteTable;
  readonly http: RunningHttpServer | undefined;
  readonly client: Client | undefined;
  /** Things closed on shutdown after in-flight interactions finished (queue workers, …). */
  onShutdown(close: () => Promise<void>): void;
  start(): Promise<void>;
  /** Idempotent; never rejects. */
  stop(): Promise<void>;
}

export function gatewayReady(client: Client): boolean {
  return client.isReady() && client.ws.shards.size > 0 && client.ws.shards.every((shard) => shard.status === Status.Ready);
}

export interface AppOptions {
  /** The command registry; default `commands/index.ts`. */
  commands?: readonly CommandModule[];
  /** See respond.ts; default DEFER_AFTER_MS. */
  deferAfterMs?: number;
}

export function createApp(config: Config, logger: Logger, options: AppOptions = {}): App {
  const commands = options.commands ?? registry;
  const roles = new Set(config.roles);
  const metrics = createMetrics();
  const redis = new Redis(config.redis.url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 5_000 });
  let lastRedisError = '';
  redis.on('error', (error: Error) => {
    // ioredis repeats the same error on every reconnect attempt; log each distinct one once.
    if (error.message !== lastRedisError) logger.warn({ err: error }, 'redis connection error');
    lastRedisError = error.message;
  });
  redis.on('ready', () => (lastRedisError = ''));
  const valentina = new ValentinaClient({
    baseUrl: config.valentina.apiUrl,
    apiKey: config.valentina.apiKey,
    logger: logger.child({ component: 'valentina' }),
    onResponse: (info) => metrics.recordValentinaResponse(info),
  });
  const deps: BotDeps = { config, logger, redis, valentina, metrics, commands };
  const routes = new RouteTable();
  const closers: Array<() => Promise<void>> = [];
  const client = roles.has('gateway') ? createDiscordClient(config) : undefined;
  const router = client ? new InteractionRouter({ commands, deps, deferAfterMs: options.deferAfterMs }) : undefined;
  let http: RunningHttpServer | undefined;
  let sweepTimer: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;

  const checks: NamedCheck[] = [
    { name: 'redis', check: redisCheck(redis) },
    {
      name: 'valentina',
      check: cachedCheck(async () => {
        const health = await valentina.health();
        return health.database_status === 'online' && health.cache_status === 'online' ? true : 'degraded';
      }, VALENTINA_HEALTH_TTL_MS),
    },
  ];
  if (client) checks.unshift({ name: 'gateway', check: async () => (gatewayReady(client) ? true : 'not connected') });
  checks.push({ name: 'accepting', check: async () => (stopping ? 'shutting down' : true) });

  async function startGateway(discord: Client, interactions: InteractionRouter): Promise<void> {
    discord.on(Events.InteractionCreate, (interaction) => void interactions.handle(interaction));
    discord.on(Events.MessageCreate, createDirectMessageHandler(deps));
    discord.once(Events.ClientReady, (ready) => logger.info({ user: ready.user.tag, guilds: ready.guilds.cache.size }, 'gateway ready'));
    discord.on(Events.ShardDisconnect, (event, shardId) => logger.warn({ shardId, code: event.code }, 'gateway disconnected'));
    discord.on(Events.ShardReconnecting, (shardId) => logger.info({ shardId }, 'gateway reconnecting'));
    discord.on(Events.ShardResume, (shardId, replayed) => logger.info({ shardId, replayed }, 'gateway resumed'));
    discord.on(Events.Error, (error) => logger.error({ err: loggableError(error) }, 'discord client error'));
    discord.on(Events.Warn, (message) => logger.warn({ message }, 'discord client warning'));
    sweepTimer = setInterval(() => sweepDirectMessageChannels(discord), DM_CHANNEL_SWEEP_MS).unref();

    const scope = config.discord.registerCommands;
    if (scope) {
      discord.rest.setToken(config.discord.token);
      try {
        const registered = await registerCommands({ rest: discord.rest, applicationId: config.discord.clientId, scope, commands });
        logger.info({ scope: describeScope(scope), commands: registered.map((c) => c.name) }, 'registered commands');
      } catch (error) {
        // The commands registered earlier keep working; serving them beats not starting at all.
        logger.error({ err: loggableError(error), scope: describeScope(scope) }, 'command registration failed');
      }
    }
    await discord.login(config.discord.token);
  }

  async function closeQuietly(what: string, close: () => Promise<unknown>): Promise<void> {
    try {
      await close();
    } catch (error) {
      logger.warn({ err: error }, `could not close ${what} cleanly`);
    }
  }

  async function shutdown(): Promise<void> {
    router?.stopAccepting();
    const left = router ? await router.drain(DRAIN_TIMEOUT_MS) : 0;
    if (left > 0) logger.warn({ left }, 'interactions still running at shutdown');
    clearInterval(sweepTimer);
    await Promise.all(closers.map((close) => closeQuietly('a queue worker', close)));
    if (client) await closeQuietly('the gateway', () => client.destroy());
    if (http) await closeQuietly('the http server', () => http!.close(500));
    await closeQuietly('redis', async () => {
      if (redis.status === 'ready') await Promise.race([redis.quit(), new Promise((r) => setTimeout(r, 500))]);
      redis.disconnect();
    });
    await closeQuietly('the valentina client', () => valentina.close());
    logger.info('stopped');
  }

  return {
    deps,
    routes,
    client,
    get http() {
      return http;
    },
    onShutdown(close) {
      closers.push(close);
    },
    async start() {
      logger.info({ roles: [...roles], shards: config.discord.shardIds ?? 'all' }, 'starting');
      // A Redis that is down at start is reported by /readyz; ioredis keeps reconnecting.
      redis.connect().catch(() => undefined);
      if (roles.has('http')) {
        mountHealthRoutes(routes, { checks, metrics });
        http = await startHttpServer({ host: config.http.host, port: config.http.port, routes, logger });
        logger.info({ url: http.url }, 'http server listening');
      }
      if (roles.has('worker')) {
        // Queue workers start here (deliveries, approvals, …): start each one, then
        // `closers.push(() => worker.close())` and `metrics.registerQueueDepth(name, …)`.
      }
      if (client && router) await startGateway(client, router);
    },
    stop() {
      stopping ??= shutdown();
      return stopping;
    },
  };
}
