/**
 * Structured logging. Secrets are removed by pino's `redact` configuration, and every logged error
 * (`err`) has the interaction and webhook tokens in Discord URLs replaced, so no call site has to
 * remember to scrub them.
 */
import { pino, type Logger, type LoggerOptions } from 'pino';

/** Paths pino censors wherever they appear in a log record. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'config.discord.token',
  'config.discord.clientSecret',
  'config.valentina.apiKey',
  'config.redis.password',
  'config.redis.sentinelPassword',
  'apiKey',
  '*.apiKey',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'access_token',
  '*.access_token',
  'code',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.Authorization',
  'headers["X-API-KEY"]',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
];

export type { Logger };

/** Interaction and webhook tokens in Discord URLs (`/interactions/<id>/<token>/…`, `/webhooks/<app>/<token>/…`). */
const URL_TOKEN = /\/(interactions|webhooks)\/(\d+)\/[^/?#\s"]+/g;

/** `text` with the token of every Discord interaction or webhook URL in it replaced by `[redacted]`. */
export function redactUrlTokens(text: string): string {
  return text.replace(URL_TOKEN, '/$1/$2/[redacted]');
}

/** A serialized error with every string in it passed through {@link redactUrlTokens} (depth-limited). */
function scrubbed(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactUrlTokens(value);
  if (depth > 6 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((item) => scrubbed(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubbed(item, depth + 1)]));
}

/** pino's error serializer, then tokens scrubbed: a REST error's `url`, `message` or `stack` may hold one. */
export function serializeError(error: unknown): unknown {
  return scrubbed(error instanceof Error ? pino.stdSerializers.err(error) : error);
}

export function createLogger(level: LoggerOptions['level'] = 'info', destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'valentina-bot' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // Synchronous writes to stdout: nothing is left in a buffer to flush at exit. pino flushes a buffered
  // stdout when the process exits, and that flush never ends once the reading end of a pipe is gone.
  return pino(options, (destination as pino.DestinationStream | undefined) ?? pino.destination({ dest: 1, sync: true }));
}
