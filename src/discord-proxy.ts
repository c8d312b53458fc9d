/**
 * `npm run discord-proxy` (`node dist/src/discord-proxy.js`): the shared Discord REST proxy every bot
 * process reaches through DISCORD_REST_PROXY_URL (src/discord/rest-proxy.ts). It needs no secret —
 * the bot's token travels in each request — and no Redis: its own settings are below, checked at
 * start-up like the bot's. Run exactly one per bot token.
 */
import { z } from 'zod';
import { ConfigError } from './config.js';
import { startRestProxy } from './discord/rest-proxy.js';
import { createLogger } from './logger.js';
import { installProcessHandlers } from './shutdown.js';

const PORT_RULE = 'must be a port number from 0 to 65535';
const proxyEnv = z.object({
  DISCORD_API_URL: z
    .string()
    .url('must be a URL such as https://discord.com/api')
    .refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://')
    .transform((value) => value.replace(/\/+$/, ''))
    .default('https://discord.com/api'),
  DISCORD_PROXY_PORT: z.coerce.number(PORT_RULE).int(PORT_RULE).min(0, PORT_RULE).max(65535, PORT_RULE).default(8081),
  DISCORD_PROXY_HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

function loadProxyConfig(env: Record<string, string | undefined>) {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = proxyEnv.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new ConfigError(`Configuration error: ${String(issue?.path[0] ?? 'environment')} ${issue?.message ?? 'is invalid'}`);
}

let config: z.output<typeof proxyEnv>;
try {
  config = loadProxyConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const logger = createLogger(config.LOG_LEVEL);
const proxy = await startRestProxy({ apiUrl: config.DISCORD_API_URL, host: config.DISCORD_PROXY_HOST, port: config.DISCORD_PROXY_PORT, logger });
logger.info({ url: proxy.url, upstream: config.DISCORD_API_URL }, 'discord rest proxy listening');
installProcessHandlers({
  logger,
  stop: async () => {
    await proxy.close();
    logger.info('stopped');
  },
});
