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
export const SECRET_VARIABLES = ['DISCORD_TOKEN', 'DISCORD_CLIENT_SECRET', 'VALENTINA_API_KEY'] as const;

const httpUrl = z
  .string()
  .url()
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
  .pipe(z.array(z.enum(BOT_ROLES)).min(1, 'must name at least one of gateway, worker, http'));

const shardIds = z
  .string()
  .regex(/^\d+(,\d+)*$/, 'must be a comma-separated list of shard numbers')
  .transform((value) => value.split(',').map(Number));

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);

const envSchema = z.object({
  DISCORD_TOKEN: z.string().min(1, 'is required'),
  DISCORD_API_URL: httpUrl.default('https://discord.com/api'),
  DISCORD_CLIENT_ID: snowflake,
  DISCORD_CLIENT_SECRET: z.string().min(1, 'is required'),
  VALENTINA_API_URL: httpUrl.default('https://api.valentina-noir.com'),
  VALENTINA_API_KEY: z.string().min(1, 'is required'),
  REDIS_URL: z
    .string()
    .regex(/^(redis|rediss):\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9:_-]{1,40}$/, 'must be 1-40 letters, digits, ":", "_" or "-"')
    .default('vbot'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  PUBLIC_URL: httpUrl.default('http://localhost:8080'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  REGISTER_COMMANDS: z.preprocess(emptyAsUndefined, registerCommands.optional()),
  BOT_ROLES: z.preprocess(emptyAsUndefined, botRoles.default(['gateway', 'worker', 'http'])),
  SHARD_COUNT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1000).optional()),
  SHARD_IDS: z.preprocess(emptyAsUndefined, shardIds.optional()),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  discord: {
    token: string;
    apiUrl: string;
    clientId: string;
    clientSecret: string;
    registerCommands: { scope: 'global' } | { scope: 'guild'; guildId: string } | undefined;
    shardCount: number | undefined;
    shardIds: number[] | undefined;
  };
  valentina: { apiUrl: string; apiKey: string };
  redis: { url: string; prefix: string };
  http: { port: number; host: string; publicUrl: string };
  logLevel: (typeof LOG_LEVELS)[number];
  roles: BotRole[];
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
    const reason = missing ? 'is required but not set' : (issue?.message ?? 'is invalid');
    throw new ConfigError(`Configuration error: ${variable} ${reason.replace(/^Invalid input: /, '')}`);
  }
  const e = parsed.data;
  if (e.SHARD_IDS && e.SHARD_COUNT && e.SHARD_IDS.some((id) => id >= (e.SHARD_COUNT ?? 0))) {
    throw new ConfigError('Configuration error: SHARD_IDS names a shard outside 0..SHARD_COUNT-1');
  }
  return {
    discord: {
      token: e.DISCORD_TOKEN,
      apiUrl: e.DISCORD_API_URL,
      clientId: e.DISCORD_CLIENT_ID,
      clientSecret: e.DISCORD_CLIENT_SECRET,
      registerCommands: e.REGISTER_COMMANDS,
      shardCount: e.SHARD_COUNT,
      shardIds: e.SHARD_IDS,
    },
    valentina: { apiUrl: e.VALENTINA_API_URL, apiKey: e.VALENTINA_API_KEY },
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    http: { port: e.HTTP_PORT, host: e.HTTP_HOST, publicUrl: e.PUBLIC_URL },
    logLevel: e.LOG_LEVEL,
    roles: e.BOT_ROLES,
  };
}
