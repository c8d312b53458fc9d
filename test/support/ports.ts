/**
 * Ports for the servers and bot processes the tests start. A port is picked free (`freePort`) and listened on
 * later, by a child process; in between another process can take it (seen once as EADDRINUSE in a loaded CI
 * run). So a start that fails *because its port was taken* — read from what the process reported, never guessed
 * from a timeout — is tried again on a fresh port, at most {@link PORT_ATTEMPTS} times in all; any other failure
 * is not retried and surfaces as it was.
 */
import { freePort, startRedisServer, type RedisServerHandle, type RedisServerOptions } from '../../packages/sandbox/src/redis-server.js';

/** Tries in all for a start whose port was taken in between: a collision twice in a row is already rare. */
export const PORT_ATTEMPTS = 3;

/** The env keys of a bot process's own ports (src/config.ts). */
export type BotPortKey = 'HTTP_PORT' | 'OPS_HTTP_PORT';

/** Fresh ports for a bot process, and the PUBLIC_URL that leads to its HTTP_PORT directly. */
export async function botPorts(): Promise<Record<BotPortKey | 'PUBLIC_URL', string>> {
  const http = await freePort();
  return { HTTP_PORT: String(http), OPS_HTTP_PORT: String(await freePort()), PUBLIC_URL: `http://127.0.0.1:${http}` };
}

interface LogEntry {
  msg?: unknown;
  err?: { code?: unknown; syscall?: unknown; port?: unknown };
}

function parseLogLine(line: string): LogEntry | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as LogEntry;
  } catch {
    return undefined;
  }
}

/**
 * The port a bot process could not listen on because something else had it, from its own start-up failure
 * (`start-up failed` with `listen EADDRINUSE`, src/main.ts); `undefined` for any other failure.
 */
export function portTakenAtStart(logs: readonly string[]): number | undefined {
  for (const line of logs) {
    const entry = parseLogLine(line);
    const err = entry?.err;
    if (entry?.msg === 'start-up failed' && err?.code === 'EADDRINUSE' && err.syscall === 'listen' && typeof err.port === 'number') return err.port;
  }
  return undefined;
}

/**
 * When a bot process's start-up failure (`logs`) says one of its `movable` ports was taken: moves it in `env` to a
 * fresh port — PUBLIC_URL too when it led to HTTP_PORT directly — and says which; `undefined` for any other failure.
 */
export async function moveTakenPort(
  env: Record<string, string>,
  logs: readonly string[],
  movable: readonly BotPortKey[] = ['HTTP_PORT', 'OPS_HTTP_PORT'],
): Promise<{ key: BotPortKey; from: number; to: number } | undefined> {
  const port = portTakenAtStart(logs);
  const key = movable.find((k) => port !== undefined && env[k] === String(port));
  if (port === undefined || key === undefined) return undefined;
  const fresh = await freePort();
  if (key === 'HTTP_PORT' && env.PUBLIC_URL === `http://127.0.0.1:${port}`) env.PUBLIC_URL = `http://127.0.0.1:${fresh}`;
  env[key] = String(fresh);
  return { key, from: port, to: fresh };
}

/**
 * Runs `start` on a freshly picked port; when `taken(error)` says it failed because that port was in use,
 * again on another one. Any other error is thrown at once, as is the last attempt's.
 */
export async function onFreshPort<T>(start: (port: number) => Promise<T>, taken: (error: unknown) => boolean, attempts = PORT_ATTEMPTS): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= attempts || !taken(error)) throw error;
    }
  }
}

/** redis-server says so on stdout and exits when its port is in use (startRedisServer puts that in its error). */
export const redisPortTaken = (error: unknown): boolean => error instanceof Error && /Address already in use/i.test(error.message);

/** {@link startRedisServer} on a fresh port, again on another one if that port was taken before redis-server bound it. */
export function startRedisServerOnFreshPort(options: Omit<RedisServerOptions, 'port'> = {}): Promise<RedisServerHandle> {
  return onFreshPort((port) => startRedisServer({ ...options, port }), redisPortTaken);
}
