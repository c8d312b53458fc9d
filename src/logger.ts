/**
 * Structured logging. Secrets are removed by pino's `redact` configuration, so no call site has to
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

export function createLogger(level: LoggerOptions['level'] = 'info', destination?: NodeJS.WritableStream): Logger {
  const options: LoggerOptions = {
    level,
    base: { service: 'valentina-bot' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  // Synchronous writes to stdout: nothing is left in a buffer to flush at exit. pino flushes a buffered
  // stdout when the process exits, and that flush never ends once the reading end of a pipe is gone.
  return pino(options, (destination as pino.DestinationStream | undefined) ?? pino.destination({ dest: 1, sync: true }));
}
