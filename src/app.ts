/**
 * Wires the bot together by role (BOT_ROLES):
 *   gateway — the Discord client, the interaction router and DMs;
 *   worker  — queue workers (deliveries, approvals, notes, queued XP changes, roll request expiry); each adds its close() to `closers`;
 *   http    — the routes features mount (the OAuth callback) on the public port, and /healthz, /readyz
 *             and /metrics on the ops port (OPS_HTTP_HOST, loopback by default).
 * Redis, the Valentina client, the identity stores, the queues' producer sides (deliveries, approvals, notes,
 * XP) and metrics
 * are shared by every role.
 */
import type { Client } from 'discord.js';
import { commands as registry } from '../commands/index.js';
import type { Config } from './config.js';
import { createDiscordClient } from './discord/client.js';
import { saveNoteFromDm } from './notes/dm-handler.js';
import { startGateway, type RunningGateway } from './discord/gateway.js';
import { createRest } from './discord/register.js';
import { restProxyReachable } from './discord/rest-proxy.js';
import { shardLeaseFor } from './discord/shard-lease.js';
import { noteRequestSent, noteRequestWaiting } from './discord/interaction-scope.js';
import { InteractionRouter } from './discord/router.js';
import type { BotDeps, CommandModule, DirectMessageHandler } from './discord/types.js';
import { cachedCheck, mountHealthRoutes, redisCheck, type NamedCheck } from './http/health.js';
import { ValentinaHealth } from './http/valentina-health.js';
import { createMetrics } from './http/metrics.js';
import { RouteTable, startHttpServer, type RunningHttpServer } from './http/server.js';
import { GuildBindingStore } from './identity/guild-binding.js';
import { archiveRemovedGuild, welcomeJoinedGuild } from './identity/guild-lifecycle.js';
import { OAuthStateStore } from './identity/oauth-state.js';
import { IdentityResolver } from './identity/resolver.js';
import type { Logger } from './logger.js';
import { QUEUE_NAMES } from './queue/connection.js';
import { createKeyspace } from './keyspace.js';
import { createRedisConnection } from './redis.js';
import { RedisDurabilityCheck } from './redis-durability.js';
import { runSelfCheck, settleSelfCheck } from './self-check.js';
import { DeliveryQueue, startDeliveryWorker } from './queue/deliveries.js';
import { WorkerReadiness } from './queue/readiness.js';
import { RedisRequestBudget, ValentinaClient, withRequestPriority } from './valentina/index.js';
import { CompanyDirectory } from './cache/directory.js';
import { createNoteCaches } from './cache/notes.js';
import { createQuickrollCaches } from './cache/quickrolls.js';
import { createRollCaches } from './cache/rolls.js';
import { createStatsCache } from './stats/figures.js';
import { httpRoutes } from './http/routes.js';
import { workers } from './queue/workers.js';
import { ApprovalQueue } from './approvals/queue.js';
import { createXpQueue } from './experience/queued.js';
import { ExperienceLocks } from './experience/serialize.js';
import { createXpSessionQueue } from './experience/session-run.js';
import { createNotesQueue } from './notes/queue.js';
import { createRollRequestQueue } from './rolls/request-queue.js';
import { lazyChartPool } from './stats/lazy-pool.js';

/**
 * In-flight interactions get this long to finish on shutdown; those still running then get their last
 * word (within {@link LAST_WORD_TIMEOUT_MS}), and the whole stop stays under the shutdown deadline
 * (src/shutdown.ts), itself under Docker's default 10 s grace.
 */
export const DRAIN_TIMEOUT_MS = 4_000;
const LAST_WORD_TIMEOUT_MS = 1_500;
/** /readyz asks the shared Discord REST proxy (when there is one) at most this often. */
const PROXY_CHECK_TTL_MS = 5_000;
/** Each queue worker gets this long to finish its active jobs before it is closed hard. */
const WORKER_CLOSE_TIMEOUT_MS = 1_000;

export interface AppOptions {
  /** The command registry; default `commands/index.ts`. */
  commands?: readonly CommandModule[];
  /** See respond.ts; default DEFER_AFTER_MS (0 defers every interaction at once). */
  deferAfterMs?: number;
  /** What a DM to the bot does; default: it becomes a Valentina note (src/notes/dm-handler.ts). */
  onDirectMessage?: DirectMessageHandler;
  /** The start-up check (src/self-check.ts); default on. In-process tests of other parts, with no Discord to ask, turn it off. */
  selfCheck?: boolean;
}

export interface App {
  readonly deps: BotDeps;
  /** Features mount HTTP routes here before `start()`. */
  readonly routes: RouteTable;
  /** Set once started with the `http` role. */
  readonly http: RunningHttpServer | undefined;
  /** The /healthz, /readyz and /metrics server; set once started with the `http` role. */
  readonly ops: RunningHttpServer | undefined;
  /** Set with the `gateway` role. */
  readonly client: Client | undefined;
  /** Registers something to close on shutdown, after in-flight interactions finished. */
  onShutdown(close: () => Promise<void>): void;
  start(): Promise<void>;
  /** Idempotent; never rejects. */
  stop(): Promise<void>;
}

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]).finally(() => clearTimeout(timer));
}

export function createApp(config: Config, logger: Logger, options: AppOptions = {}): App {
  const commands = options.commands ?? registry;
  const roles = new Set(config.roles);
  // Every Redis key and BullMQ prefix of the deployment (src/keyspace.ts).
  const keys = createKeyspace(config.redis.prefix);
  const metrics = createMetrics();

  // ioredis and BullMQ repeat the same error on every reconnect attempt: log each distinct one once.
  let lastRedisError = '';
  const onRedisError = (error: Error) => {
    if (error.message !== lastRedisError) logger.warn({ err: error }, 'redis connection error');
    lastRedisError = error.message;
  };
  const redis = createRedisConnection(config.redis, 'cache', { lazyConnect: true });
  redis.on('error', onRedisError);
  redis.on('ready', () => (lastRedisError = ''));
  const queueConnection = createRedisConnection(config.redis, 'queue', { lazyConnect: true });
  queueConnection.on('error', onRedisError);

  // One request budget for every process of the deployment (src/valentina/budget.ts).
  const budget = new RedisRequestBudget({ redis, key: keys.valentinaBudget(), settings: config.valentina.budget, logger: logger.child({ component: 'valentina-budget' }) });
  const valentinaHealth = new ValentinaHealth({
    probe: () =>
      withRequestPriority('background', async () => {
        const health = await valentina.health();
        return health.database_status === 'online' && health.cache_status === 'online' ? true : 'degraded';
      }),
  });
  const valentina = new ValentinaClient({
    baseUrl: config.valentina.apiUrl,
    apiKey: config.valentina.apiKey,
    timeoutMs: config.valentina.timeoutMs,
    logger: logger.child({ component: 'valentina' }),
    budget,
    onResponse: (info) => {
      metrics.recordValentinaResponse(info);
      valentinaHealth.record(info.status, info.durationMs);
    },
    onSend: (info) => noteRequestSent(info.method),
    onWait: (info) => noteRequestWaiting(info.waitMs),
  });
  const charts = lazyChartPool({ size: 1, timeoutMs: 5_000 });
  // One Discord REST client per process, so its rate-limit state (Discord's 50 requests a second per token,
  // per-route buckets) is one: the features, the delivery worker and the discord.js client all use it.
  const rest = createRest(config);
  // The feature queues' producer sides, on the shared BullMQ connection; the connection's own listener
  // reports its errors, so each queue only keeps an 'error' event from throwing.
  const quietQueueError = (what: string) => {
    let last = '';
    return (error: Error) => {
      if (error.message !== last) logger.debug({ err: error }, `${what} queue connection error`);
      last = error.message;
    };
  };
  const approvals = new ApprovalQueue(queueConnection, keys.queuePrefix);
  approvals.queue.on('error', quietQueueError('approval'));
  const notesQueue = createNotesQueue(queueConnection, keys.queuePrefix);
  notesQueue.on('error', quietQueueError('notes'));
  const xpQueue = createXpQueue(queueConnection, keys.queuePrefix);
  xpQueue.on('error', quietQueueError('XP'));
  const xpSessionQueue = createXpSessionQueue(queueConnection, keys.queuePrefix);
  xpSessionQueue.on('error', quietQueueError('XP session'));
  const rollRequests = createRollRequestQueue(queueConnection, keys.queuePrefix);
  rollRequests.on('error', quietQueueError('roll request'));
  const deps: BotDeps = {
    config,
    logger,
    redis,
    keys,
    valentina,
    budget,
    metrics,
    valentinaHealth,
    bindings: new GuildBindingStore(redis, keys.identity, logger),
    resolver: new IdentityResolver({ client: valentina, redis, keys: keys.identity, logger }),
    oauthStates: new OAuthStateStore(redis, keys.identity),
    deliveries: new DeliveryQueue({ connection: queueConnection, prefix: keys.queuePrefix }),
    directory: new CompanyDirectory({ redis, keys: keys.directory, valentina }),
    noteCaches: createNoteCaches(redis),
    quickrollCaches: createQuickrollCaches(redis),
    rollCaches: createRollCaches(redis),
    statsCache: createStatsCache(redis),
    rest,
    queueConnection,
    charts,
    commands,
    notesQueue,
    xpQueue,
    experienceLocks: new ExperienceLocks(redis),
    xpSessionQueue,
    rollRequests,
    approvals,
    // A new, unapproved Valentina user: the storytellers get an approval request (src/approvals/).
    onAccountCreated: (user) => approvals.enqueue({ companyId: user.company_id, userId: user.id }),
  };
  deps.deliveries.queue.on('error', onRedisError);

  const routes = new RouteTable();
  const closers: Array<() => Promise<void>> = [];
  const client = roles.has('gateway') ? createDiscordClient(config) : undefined;
  if (client) client.rest = rest;
  const router = client ? new InteractionRouter({ commands, deps, deferAfterMs: options.deferAfterMs }) : undefined;
  // One gateway process per shard: another one for the same shards waits (src/discord/shard-lease.ts).
  const lease = client ? shardLeaseFor(config, keys.gateway, redis, logger.child({ component: 'gateway' })) : undefined;
  let gateway: RunningGateway | undefined;
  let http: RunningHttpServer | undefined;
  let ops: RunningHttpServer | undefined;
  let stopping: Promise<void> | undefined;

  const durability = new RedisDurabilityCheck({ connection: redis, settings: config.redis, allowVolatile: config.redisAllowVolatile, logger });
  // Not ready before the start-up check has finished, nor before this process's roles serve (workers below, gateway).
  let selfCheckDone = !(options.selfCheck ?? true);
  const checks: NamedCheck[] = [{ name: 'startup_check', check: async () => (selfCheckDone ? true : 'still running') }];
  const workerReadiness = roles.has('worker') ? new WorkerReadiness() : undefined;
  if (workerReadiness) checks.push({ name: 'workers', check: workerReadiness.check });
  if (client) {
    checks.push({ name: 'gateway', check: async () => (gateway?.ready() ? true : lease?.waiting ? 'waiting for another process to release its shards' : 'not connected') });
  }
  checks.push(
    { name: 'redis', check: redisCheck(redis) },
    { name: 'redis_durability', check: () => durability.readiness() },
    // From the outcomes of the bot's own requests; asks Valentina only when idle, from spare budget.
    { name: 'valentina', check: valentinaHealth.check },
    { name: 'accepting', check: async () => (stopping ? 'shutting down' : true) },
  );
  const proxyUrl = config.discord.restProxyUrl;
  if (proxyUrl) checks.push({ name: 'discord-proxy', check: cachedCheck(() => restProxyReachable(proxyUrl), PROXY_CHECK_TTL_MS) });

  function startWorkers(): void {
    // One block per queue: start the worker, register its close and its depth.
    const workerConnection = createRedisConnection(config.redis, 'queue');
    workerConnection.on('error', onRedisError);
    const deliveryWorker = startDeliveryWorker({
      connection: workerConnection,
      prefix: keys.queuePrefix,
      rest,
      logger: logger.child({ component: 'deliveries' }),
    });
    deliveryWorker.on('error', onRedisError);
    workerReadiness?.track(QUEUE_NAMES.deliveries, Promise.resolve(deliveryWorker));
    closers.push(async () => {
      // Lets the active jobs finish; with Redis gone, close() never resolves, so the connection is cut.
      const closed = deliveryWorker.close().catch(() => undefined);
      await withTimeout(closed, WORKER_CLOSE_TIMEOUT_MS);
      workerConnection.disconnect();
      await withTimeout(closed, 200);
    });
    metrics.registerQueueDepth(QUEUE_NAMES.deliveries, () =>
      deps.deliveries.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'),
    );
    for (const module of workers) {
      const connection = createRedisConnection(config.redis, 'queue');
      connection.on('error', onRedisError);
      const running = Promise.resolve(module.start(deps, connection));
      running.catch((error: unknown) => logger.error({ err: error, worker: module.name }, 'queue worker failed to start'));
      workerReadiness?.track(module.name, running);
      closers.push(async () => {
        const closed = running.then((worker) => worker.close()).catch(() => undefined);
        await withTimeout(closed, WORKER_CLOSE_TIMEOUT_MS);
        connection.disconnect();
      });
      if (module.depth) metrics.registerQueueDepth(module.name, () => module.depth!(deps));
    }
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
    if (router && left > 0) {
      // Nobody is left at "thinking…": each gets an answer saying whether their change may have been applied.
      let told = 0;
      await withTimeout(router.interruptRunning().then((count) => (told = count)), LAST_WORD_TIMEOUT_MS);
      logger.warn({ left, told }, 'interactions still running at shutdown were told the bot restarted');
    }
    await Promise.all(closers.map((close) => closeQuietly('a queue worker', close)));
    if (gateway) await closeQuietly('the gateway', () => gateway!.close());
    else if (client) await closeQuietly('the gateway', () => client.destroy());
    if (lease) await closeQuietly('the shard lease', () => lease.close());
    if (http) await closeQuietly('the http server', () => http!.close(500));
    if (ops) await closeQuietly('the ops server', () => ops!.close(500));
    await closeQuietly('the delivery queue', () => withTimeout(deps.deliveries.close(), 500));
    await closeQuietly('the approval queue', () => withTimeout(approvals.close(), 500));
    await closeQuietly('the notes queue', () => withTimeout(notesQueue.close(), 500));
    await closeQuietly('the XP queue', () => withTimeout(xpQueue.close(), 500));
    await closeQuietly('the XP session queue', () => withTimeout(xpSessionQueue.close(), 500));
    await closeQuietly('the roll request queue', () => withTimeout(rollRequests.close(), 500));
    for (const connection of [redis, queueConnection]) {
      await closeQuietly('redis', async () => {
        if (connection.status === 'ready') await withTimeout(connection.quit(), 500);
        connection.disconnect();
      });
    }
    await closeQuietly('the valentina client', () => valentina.close());
    await closeQuietly('the chart renderer', () => charts.close());
    logger.info('stopped');
  }

  return {
    deps,
    routes,
    client,
    get http() {
      return http;
    },
    get ops() {
      return ops;
    },
    onShutdown(close) {
      closers.push(close);
    },
    async start() {
      logger.info({ roles: [...roles], shards: config.discord.shardIds ?? 'all' }, 'starting');
      // A Redis that is down at start is reported by /readyz; ioredis keeps reconnecting.
      redis.connect().catch(() => undefined);
      if (roles.has('http')) {
        for (const route of httpRoutes) routes.add(route.method, route.path, route.handler(deps));
        http = await startHttpServer({ host: config.http.host, port: config.http.port, routes, logger });
        logger.info({ url: http.url }, 'http server listening');
        const opsRoutes = mountHealthRoutes(new RouteTable(), { checks, metrics });
        ops = await startHttpServer({ host: config.ops.host, port: config.ops.port, routes: opsRoutes, logger });
        logger.info({ url: ops.url }, 'ops server listening (/healthz, /readyz, /metrics)');
      }
      // Nothing that writes starts before Redis is known to keep what it is given (or the operator allowed otherwise);
      // the verification waits for Redis to answer.
      const durable = durability.verify();
      durable.catch(() => undefined);
      // Once per process: what works and what is missing; a fatal finding stops start-up here (src/self-check.ts).
      if (options.selfCheck ?? true) settleSelfCheck(await runSelfCheck({ config, rest, valentina, durability: durable }), logger);
      selfCheckDone = true;
      await durable;
      if (roles.has('worker')) {
        startWorkers();
        // Serving means taking jobs: the gateway connects once the workers for what it enqueues are connected.
        await workerReadiness?.settled();
      }
      if (client && router) {
        gateway = await startGateway({
          client,
          router,
          deps,
          lease,
          onDirectMessage: options.onDirectMessage ?? saveNoteFromDm,
          guilds: { joined: (guild) => welcomeJoinedGuild(guild, deps), removed: (guildId) => archiveRemovedGuild(guildId, deps) },
        });
      }
    },
    stop() {
      stopping ??= shutdown();
      return stopping;
    },
  };
}
