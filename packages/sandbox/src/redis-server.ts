/**
 * Starts a real `redis-server` child process on a free loopback port, for the test suite and the
 * local sandbox. Never a mock: the bot's queues and caches run against the real thing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServerOptions {
  /** Port to bind; a free one is picked when omitted. */
  port?: number;
  /**
   * Append-only persistence, in `dir`: on by default, as the bot refuses to start on a Redis that keeps
   * nothing (src/redis-durability.ts); `false` for such a Redis. `true` also syncs every write to disk,
   * for durability tests (the default syncs once a second).
   */
  appendOnly?: boolean;
  /** Data directory; a fresh temporary one when omitted (and removed on stop). */
  dir?: string;
  /** More command-line settings, e.g. `['--replicaof', '127.0.0.1', '6379']` or `['--cluster-enabled', 'yes']`. */
  args?: string[];
  /**
   * Runs a Sentinel instead of a data node, configured with these lines (e.g.
   * `sentinel monitor mymaster 127.0.0.1 6379 1`), written to `sentinel.conf` in `dir`: Sentinel
   * rewrites its configuration file as it learns the topology.
   */
  sentinel?: string[];
}

export interface RedisServerHandle {
  url: string;
  port: number;
  dir: string;
  /** Stops the server (SIGTERM, then SIGKILL after 3 s). */
  stop(): Promise<void>;
}

export class RedisServerMissingError extends Error {
  override readonly name = 'RedisServerMissingError';
  constructor() {
    super('redis-server was not found on PATH. Install it (Debian/Ubuntu: `sudo apt-get install redis-server`, macOS: `brew install redis`).');
  }
}

/** Resolves true when `port` can be listened on at 127.0.0.1 right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Ports this process handed out: never twice, so stacks started side by side do not get the same one. */
const handedOut = new Set<number>();

export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.on('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        const found = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(found));
      });
    });
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
}

/** Resolves true when something answers Redis PING on host:port. */
export function pingRedis(port: number, host = '127.0.0.1', timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    // Something else on the port (it was taken before redis-server bound it) may just close the connection.
    socket.on('close', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const port = options.port ?? (await freePort());
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'vbot-redis-'));
  const sentinelConfig = join(dir, 'sentinel.conf');
  if (options.sentinel) writeFileSync(sentinelConfig, `${options.sentinel.join('\n')}\n`);
  const args = [
    ...(options.sentinel ? [sentinelConfig, '--sentinel'] : []),
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--save', '',
    '--appendonly', options.appendOnly === false ? 'no' : 'yes',
    '--appendfsync', options.appendOnly === true ? 'always' : 'everysec',
    '--daemonize', 'no',
    '--loglevel', 'warning',
    ...(options.args ?? []),
  ];
  let child: ChildProcess;
  try {
    child = await new Promise<ChildProcess>((resolve, reject) => {
      // Redis logs to stdout: a refused start (a port in use…) says why there.
      const proc = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
      proc.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'ENOENT' ? new RedisServerMissingError() : error),
      );
      proc.once('spawn', () => resolve(proc));
    });
  } catch (error) {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const deadline = Date.now() + 10_000;
  while (!(await pingRedis(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not start on port ${port}: ${output.trim() || 'no output'}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
