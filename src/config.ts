/**
 * Configuration: every setting the bot reads from its environment, parsed once at start-up.
 *
 * A missing or malformed variable stops start-up with one line naming the variable; the value of a
 * secret is never echoed.
 */
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export const BOT_ROLES = ['gateway', 'worker', 'http'] as const;
export type BotRole = (typeof BOT_ROLES)[number];

/** Variables whose values are secrets: never logged, never echoed in an error. */
export const SECRET_VARIABLES = [
  'DISCORD_TOKEN',
  'DISCORD_CLIENT_SECRET',
  'VALENTINA_API_KEY',
  'REDIS_PASSWORD',
  'REDIS_SENTINEL_PASSWORD',
] as const;

const httpUrl = z
  .string()
  .url('must be a URL such as https://bot.example.org')
  .refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://')
  .transform((value) => value.replace(/\/+$/, ''));

const snowflake = z.string().regex(/^\d{15,21}$/, 'must be a Discord id (a snowflake)');

const registerCommands = z
  .string()
  .regex(/^(global|guild:\d{15,21})$/, 'must be "global" or "guild:<guild id>"')
  .transform((value) =>
    value === 'global' ? ({ scope: 'global' } as const) : ({ scope: 'guild', guildId: value.slice('guild:'.length) } as const),
  );

const botRoles = z
  .string()
  .transform((value) => value.split(',').map((role) => role.trim()).filter(Boolean))
  .pipe(z.array(z.enum(BOT_ROLES, 'must list gateway, worker and/or http, comma-separated')).min(1, 'must name at least one of gateway, worker, http'));

const shardIds = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of shard numbers')
  .transform((value) => value.split(',').map(Number));

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUndefined, schema.optional());

/** `host:port,host:port` (`[v6 address]:port` too); a missing port is `defaultPort`. */
const hostList = (defaultPort: number) =>
  z.string().transform((value, ctx): RedisNode[] => {
    const nodes = value.split(',').map((entry) => entry.trim()).filter(Boolean).map((entry) => {
      const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+))(?::(\d{1,5}))?$/.exec(entry);
      const port = match?.[3] === undefined ? defaultPort : Number(match[3]);
      return match && port >= 1 && port <= 65535 ? { host: match[1] ?? match[2] ?? '', port } : undefined;
    });
    if (nodes.length === 0 || nodes.some((node) => node === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of host:port' });
      return z.NEVER;
    }
    return nodes as RedisNode[];
  });

const PORT_RULE = 'must be a port number from 0 to 65535';
const RATE_RULE = 'must be requests/seconds with whole numbers, e.g. 50/60';
const RESERVE_RULE = 'must be a whole percentage from 0 to 90';
const TIMEOUT_RULE = 'must be a number of milliseconds from 1000 to 120000';
const SHARD_COUNT_RULE = 'must be a whole number of shards from 1 to 1000';
const QUIET_RULE = 'must be a number of milliseconds from 250 to 60000';
const REQUEST_TTL_RULE = 'must be a number of seconds from 5 to 86400';
const RETENTION_RULE = 'must be a whole number of days from 1 to 3650';
const UNDO_RULE = 'must be a whole number of seconds from 5 to 86400';

/** What PUBLIC_URL is, for the line naming it when it is missing. */
const PUBLIC_URL_MISSING =
  "is required but not set: the https address players' browsers reach the bot's OAuth callback at, e.g. https://bot.example.org (see docs/deploy.md)";

const envSchema = z.object({
  DISCORD_TOKEN: z.string().min(1, 'is required'),
  DISCORD_API_URL: httpUrl.default('https://discord.com/api'),
  // The shared REST proxy (npm run discord-proxy), e.g. http://discord-proxy:8081/api: every REST call goes through it.
  DISCORD_REST_PROXY_URL: optional(httpUrl),
  DISCORD_CLIENT_ID: snowflake,
  DISCORD_CLIENT_SECRET: z.string().min(1, 'is required'),
  VALENTINA_API_URL: httpUrl.default('https://api.valentina-noir.com'),
  VALENTINA_API_KEY: z.string().min(1, 'is required'),
  // The API key's request budget until Valentina's RateLimit-Policy header tells better (src/valentina/budget.ts).
  VALENTINA_RATE_LIMIT: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^[1-9]\d{0,5}\/[1-9]\d{0,5}$/, RATE_RULE)
      .transform((value) => value.split('/').map(Number) as [number, number])
      .default([50, 60]),
  ),
  VALENTINA_RATE_RESERVE_PERCENT: optional(z.coerce.number(RESERVE_RULE).int(RESERVE_RULE).min(0, RESERVE_RULE).max(90, RESERVE_RULE)),
  // How long one request to Valentina may take before the bot stops waiting for its answer (each attempt).
  VALENTINA_TIMEOUT_MS: optional(z.coerce.number(TIMEOUT_RULE).int(TIMEOUT_RULE).min(1_000, TIMEOUT_RULE).max(120_000, TIMEOUT_RULE)),
  REDIS_URL: optional(z.string().regex(/^(redis|rediss):\/\//, 'must be a redis:// or rediss:// URL')),
  REDIS_SENTINELS: optional(hostList(26379)),
  REDIS_SENTINEL_NAME: optional(z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be the name the sentinels monitor the primary under')),
  REDIS_SENTINEL_USERNAME: optional(z.string()),
  REDIS_SENTINEL_PASSWORD: optional(z.string()),
  REDIS_CLUSTER_NODES: optional(hostList(6379)),
  REDIS_USERNAME: optional(z.string()),
  REDIS_PASSWORD: optional(z.string()),
  REDIS_TLS: optional(z.enum(['true', 'false'], 'must be "true" or "false"').transform((value) => value === 'true')),
  REDIS_DB: optional(z.coerce.number('must be a database number').int('must be a database number').min(0, 'must be a database number')),
  // Start on a Redis without persistence or with an evicting policy (src/redis-durability.ts).
  REDIS_ALLOW_VOLATILE: optional(z.enum(['true', 'false'], 'must be "true" or "false"').transform((value) => value === 'true')),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,40}$/, 'must be 1-40 letters, digits, ":", "_" or "-"')
    .default('vbot'),
  HTTP_PORT: z.coerce.number(PORT_RULE).int(PORT_RULE).min(0, PORT_RULE).max(65535, PORT_RULE).default(8080),
  HTTP_HOST: z.preprocess(emptyAsUndefined, z.string().default('0.0.0.0')),
  // No default: the OAuth redirect must name the address players' browsers reach (the sandbox and the tests set it).
  PUBLIC_URL: httpUrl,
  // /healthz, /readyz and /metrics: their own server, reachable only from this host unless set otherwise.
  OPS_HTTP_PORT: z.coerce.number(PORT_RULE).int(PORT_RULE).min(0, PORT_RULE).max(65535, PORT_RULE).default(9464),
  OPS_HTTP_HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(LOG_LEVELS, `must be one of ${LOG_LEVELS.join(', ')}`).default('info')),
  REGISTER_COMMANDS: z.preprocess(emptyAsUndefined, registerCommands.optional()),
  BOT_ROLES: z.preprocess(emptyAsUndefined, botRoles.default(['gateway', 'worker', 'http'])),
  SHARD_COUNT: z.preprocess(emptyAsUndefined, z.coerce.number(SHARD_COUNT_RULE).int(SHARD_COUNT_RULE).min(1, SHARD_COUNT_RULE).max(1000, SHARD_COUNT_RULE).optional()),
  SHARD_IDS: z.preprocess(emptyAsUndefined, shardIds.optional()),
  // Read by the notes feature (src/notes/settings.ts); checked here so a bad value stops start-up.
  NOTES_BURST_QUIET_MS: optional(z.coerce.number(QUIET_RULE).int(QUIET_RULE).min(250, QUIET_RULE).max(60_000, QUIET_RULE)),
  // Read by the rolls feature (src/rolls/settings.ts).
  ROLL_REQUEST_TTL_SECONDS: optional(z.coerce.number(REQUEST_TTL_RULE).int(REQUEST_TTL_RULE).min(5, REQUEST_TTL_RULE).max(86_400, REQUEST_TTL_RULE)),
  // How long the XP ledger keeps its entries (src/experience/ledger.ts), and how long a change can be undone.
  XP_LEDGER_RETENTION_DAYS: optional(z.coerce.number(RETENTION_RULE).int(RETENTION_RULE).min(1, RETENTION_RULE).max(3650, RETENTION_RULE)),
  XP_UNDO_WINDOW_SECONDS: optional(z.coerce.number(UNDO_RULE).int(UNDO_RULE).min(5, UNDO_RULE).max(86_400, UNDO_RULE)),
});

export type Env = z.input<typeof envSchema>;

/** Every variable the bot reads (the README's configuration table and `.env.example` list each of them). */
export const CONFIG_VARIABLES = Object.keys(envSchema.shape) as ReadonlyArray<keyof Env>;

export interface RedisNode {
  host: string;
  port: number;
}

/**
 * Where Redis is. `prefix` starts every key the bot and BullMQ write; on a cluster it is the
 * REDIS_PREFIX in a hash tag (`{vbot}`), so all of them hash to one slot and multi-key commands work.
 */
export type RedisSettings = { prefix: string } & (
  | { mode: 'standalone'; url: string }
  | {
      mode: 'sentinel';
      sentinels: RedisNode[];
      /** The primary's name in the sentinels' `sentinel monitor` line. */
      name: string;
      /** The sentinels' own ACL user and password (the data nodes' are `username` and `password`). */
      sentinelUsername: string | undefined;
      sentinelPassword: string | undefined;
      username: string | undefined;
      password: string | undefined;
      tls: boolean;
      db: number;
    }
  | { mode: 'cluster'; nodes: RedisNode[]; username: string | undefined; password: string | undefined; tls: boolean }
);

export interface Config {
  discord: {
    token: string;
    apiUrl: string;
    /** DISCORD_REST_PROXY_URL: where the bot's REST calls go instead of `apiUrl` (OAuth still goes to `apiUrl`). */
    restProxyUrl: string | undefined;
    clientId: string;
    clientSecret: string;
    registerCommands: { scope: 'global' } | { scope: 'guild'; guildId: string } | undefined;
    shardCount: number | undefined;
    shardIds: number[] | undefined;
  };
  valentina: {
    apiUrl: string;
    apiKey: string;
    /** The request budget shared by the deployment's processes (src/valentina/budget.ts). */
    budget: { capacity: number; windowSeconds: number; reservePercent: number };
    /** VALENTINA_TIMEOUT_MS: how long one attempt may take (default 10 000 ms). */
    timeoutMs: number;
  };
  /** REDIS_ALLOW_VOLATILE: start even when Redis could lose data (see src/redis-durability.ts). */
  redisAllowVolatile: boolean;
  redis: RedisSettings;
  /** The public server: the OAuth callback of `/link`. */
  http: { port: number; host: string; publicUrl: string };
  /** The operator's server: /healthz, /readyz and /metrics. */
  ops: { port: number; host: string };
  logLevel: (typeof LOG_LEVELS)[number];
  roles: BotRole[];
  /** The XP ledger: XP_LEDGER_RETENTION_DAYS (default 365) and XP_UNDO_WINDOW_SECONDS (default 900). */
  experience: { ledgerRetentionDays: number; undoWindowSeconds: number };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment into a {@link Config}; throws a {@link ConfigError} whose message is one line. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue?.path[0] ?? 'environment');
    const missing = env[variable] === undefined || env[variable] === '';
    const reason = missing ? (variable === 'PUBLIC_URL' ? PUBLIC_URL_MISSING : 'is required but not set') : (issue?.message ?? 'is invalid');
    throw new ConfigError(`Configuration error: ${variable} ${reason.replace(/^Invalid input: /, '')}`);
  }
  const e = parsed.data;
  if (e.SHARD_IDS && e.SHARD_COUNT && e.SHARD_IDS.some((id) => id >= (e.SHARD_COUNT ?? 0))) {
    throw new ConfigError('Configuration error: SHARD_IDS names a shard outside 0..SHARD_COUNT-1');
  }
  if (e.OPS_HTTP_PORT !== 0 && e.OPS_HTTP_PORT === e.HTTP_PORT) {
    throw new ConfigError('Configuration error: OPS_HTTP_PORT must differ from HTTP_PORT (/metrics and /readyz are not served on the public port)');
  }
  return {
    discord: {
      token: e.DISCORD_TOKEN,
      apiUrl: e.DISCORD_API_URL,
      restProxyUrl: e.DISCORD_REST_PROXY_URL,
      clientId: e.DISCORD_CLIENT_ID,
      clientSecret: e.DISCORD_CLIENT_SECRET,
      registerCommands: e.REGISTER_COMMANDS,
      shardCount: e.SHARD_COUNT,
      shardIds: e.SHARD_IDS,
    },
    valentina: {
      apiUrl: e.VALENTINA_API_URL,
      apiKey: e.VALENTINA_API_KEY,
      budget: { capacity: e.VALENTINA_RATE_LIMIT[0], windowSeconds: e.VALENTINA_RATE_LIMIT[1], reservePercent: e.VALENTINA_RATE_RESERVE_PERCENT ?? 20 },
      timeoutMs: e.VALENTINA_TIMEOUT_MS ?? 10_000,
    },
    redisAllowVolatile: e.REDIS_ALLOW_VOLATILE ?? false,
    redis: redisSettings(e),
    http: { port: e.HTTP_PORT, host: e.HTTP_HOST, publicUrl: e.PUBLIC_URL },
    ops: { port: e.OPS_HTTP_PORT, host: e.OPS_HTTP_HOST },
    logLevel: e.LOG_LEVEL,
    roles: e.BOT_ROLES,
    experience: { ledgerRetentionDays: e.XP_LEDGER_RETENTION_DAYS ?? 365, undoWindowSeconds: e.XP_UNDO_WINDOW_SECONDS ?? 15 * 60 },
  };
}

const fail = (message: string): never => {
  throw new ConfigError(`Configuration error: ${message}`);
};

/** One of three topologies: REDIS_URL (the default), REDIS_SENTINELS or REDIS_CLUSTER_NODES. */
function redisSettings(e: z.output<typeof envSchema>): RedisSettings {
  const { REDIS_SENTINELS: sentinels, REDIS_CLUSTER_NODES: nodes } = e;
  if (sentinels && nodes) fail('REDIS_SENTINELS and REDIS_CLUSTER_NODES exclude each other: set one, or neither for a single Redis at REDIS_URL');
  const topology = sentinels ? 'REDIS_SENTINELS' : nodes ? 'REDIS_CLUSTER_NODES' : undefined;
  if (topology && e.REDIS_URL !== undefined) {
    fail(`REDIS_URL cannot be combined with ${topology}; give the data nodes' credentials in REDIS_USERNAME and REDIS_PASSWORD`);
  }
  if (!sentinels) {
    for (const name of ['REDIS_SENTINEL_NAME', 'REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD'] as const) if (e[name] !== undefined) fail(`${name} needs REDIS_SENTINELS`);
  }
  if (!topology) {
    for (const name of ['REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_TLS', 'REDIS_DB'] as const) {
      if (e[name] !== undefined) fail(`${name} applies with REDIS_SENTINELS or REDIS_CLUSTER_NODES; a single Redis takes it in REDIS_URL`);
    }
  }
  const auth = { username: e.REDIS_USERNAME, password: e.REDIS_PASSWORD, tls: e.REDIS_TLS ?? false };
  if (sentinels) {
    const name = e.REDIS_SENTINEL_NAME ?? fail('REDIS_SENTINEL_NAME is required with REDIS_SENTINELS (the monitored primary\'s name)');
    return { mode: 'sentinel', prefix: e.REDIS_PREFIX, sentinels, name, sentinelUsername: e.REDIS_SENTINEL_USERNAME, sentinelPassword: e.REDIS_SENTINEL_PASSWORD, db: e.REDIS_DB ?? 0, ...auth };
  }
  if (nodes) {
    if ((e.REDIS_DB ?? 0) !== 0) fail('REDIS_DB must be 0 with REDIS_CLUSTER_NODES (a cluster has only database 0)');
    return { mode: 'cluster', prefix: `{${e.REDIS_PREFIX}}`, nodes, ...auth };
  }
  return { mode: 'standalone', prefix: e.REDIS_PREFIX, url: e.REDIS_URL ?? 'redis://127.0.0.1:6379' };
}
