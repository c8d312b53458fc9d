/**
 * Real Redis high-availability topologies on loopback, for tests: a primary watched by Sentinel (with
 * replicas, for failovers) and a Redis Cluster of several primaries. Built from `startRedisServer`,
 * so every process and data directory is removed by `stop()`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import type { RedisNode } from '../../../src/config.js';
import { portIsFree, startRedisServer, type RedisServerHandle } from './redis-server.js';

const run = promisify(execFile);

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends one command to 127.0.0.1:port on a short-lived connection. */
export async function redisCommand(port: number, command: string, ...args: string[]): Promise<unknown> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(command, ...args);
  } finally {
    client.disconnect();
  }
}

async function stopAll(servers: readonly RedisServerHandle[]): Promise<void> {
  await Promise.all(servers.map((server) => server.stop().catch(() => undefined)));
}

export interface SentinelGroup {
  /** The name the sentinels monitor the primary under (REDIS_SENTINEL_NAME). */
  readonly name: string;
  /** Every data node: the first started as the primary, the others as its replicas. */
  readonly dataNodes: readonly RedisServerHandle[];
  readonly sentinels: readonly RedisServerHandle[];
  /** The sentinels as REDIS_SENTINELS lists them. */
  readonly sentinelNodes: RedisNode[];
  /** The port the first sentinel names as the primary now. */
  primaryPort(): Promise<number>;
  /**
   * Forces a failover to a replica; resolves with the new primary's port once the sentinel announced
   * it (`+switch-master`) and it accepts writes. `timeoutMs` only bounds a failover that never comes.
   */
  failover(timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

export interface SentinelGroupOptions {
  name?: string;
  replicas?: number;
  sentinels?: number;
  /**
   * How long the primary may not answer before the sentinels fail over on their own; default 60 s, so
   * that a slow machine (a loaded test run) never starts a failover nobody asked for. Tests force theirs
   * with {@link SentinelGroup.failover}.
   */
  downAfterMs?: number;
}

export async function startSentinelGroup(options: SentinelGroupOptions = {}): Promise<SentinelGroup> {
  const name = options.name ?? 'mymaster';
  const servers: RedisServerHandle[] = [];
  try {
    // Replicas sync at once instead of after the default 5 s wait for more replicas to join.
    const syncAtOnce = ['--repl-diskless-sync-delay', '0'];
    const primary = await startRedisServer({ args: syncAtOnce });
    servers.push(primary);
    const replicas = await Promise.all(
      Array.from({ length: options.replicas ?? 0 }, () =>
        startRedisServer({ args: [...syncAtOnce, '--replicaof', '127.0.0.1', String(primary.port)] }),
      ),
    );
    servers.push(...replicas);
    const sentinels = await Promise.all(
      Array.from({ length: options.sentinels ?? 1 }, () =>
        startRedisServer({
          sentinel: [
            `sentinel monitor ${name} 127.0.0.1 ${primary.port} 1`,
            `sentinel down-after-milliseconds ${name} ${options.downAfterMs ?? 60_000}`,
            // Bounds each step of a failover (and the wait before another try): generous on a busy machine.
            `sentinel failover-timeout ${name} 60000`,
          ],
        }),
      ),
    );
    servers.push(...sentinels);
    const sentinelPort = sentinels[0]!.port;
    const primaryPort = async () => {
      const address = (await redisCommand(sentinelPort, 'SENTINEL', 'get-master-addr-by-name', name)) as [string, string];
      return Number(address[1]);
    };
    /** Replicas the sentinel has connected to and could promote. */
    const healthyReplicas = async () => {
      const rows = (await redisCommand(sentinelPort, 'SENTINEL', 'replicas', name)) as string[][];
      return rows.map((row) => Object.fromEntries(row.flatMap((v, i) => (i % 2 === 0 ? [[v, row[i + 1]]] : [])))).filter(
        (r) => r.flags === 'slave' && r['master-link-status'] === 'ok',
      ).length;
    };
    await until('the replicas to sync and the sentinel to see them', 30_000, async () =>
      (await healthyReplicas()) >= replicas.length ? true : undefined,
    );
    return {
      name,
      dataNodes: [primary, ...replicas],
      sentinels,
      sentinelNodes: sentinels.map((s) => ({ host: '127.0.0.1', port: s.port })),
      primaryPort,
      async failover(timeoutMs = 60_000) {
        const before = await primaryPort();
        // The sentinel's own announcement that the primary changed, subscribed to before asking for it.
        const events = new Redis({ port: sentinelPort, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0 });
        events.on('error', () => undefined);
        try {
          await events.connect();
          const switched = new Promise<number>((resolve) => {
            events.on('message', (_channel: string, message: string) => {
              // "<name> <old-ip> <old-port> <new-ip> <new-port>"
              const [master, , , , port] = message.split(' ');
              if (master === name && Number(port) !== before) resolve(Number(port));
            });
          });
          await events.subscribe('+switch-master');
          // Refused while the sentinel has not yet judged a replica fit to promote (NOGOODSLAVE): ask
          // again. INPROG: a failover is already under way, and its +switch-master will come.
          await until('the sentinel to accept the failover', timeoutMs, () =>
            redisCommand(sentinelPort, 'SENTINEL', 'failover', name).then(
              () => true,
              (error: Error) => (error.message.includes('INPROG') ? true : undefined),
            ),
          );
          let timer: NodeJS.Timeout | undefined;
          const promoted = await Promise.race([
            switched,
            new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no +switch-master from the sentinel within ${timeoutMs} ms`)), timeoutMs))),
          ]).finally(() => clearTimeout(timer));
          return await until('the promoted replica to accept writes', timeoutMs, async () => {
            const role = (await redisCommand(promoted, 'ROLE')) as [string];
            return role[0] === 'master' ? promoted : undefined;
          });
        } finally {
          events.disconnect();
        }
      },
      stop: () => stopAll(servers),
    };
  } catch (error) {
    await stopAll(servers);
    throw error;
  }
}

export interface RedisClusterHandle {
  readonly nodes: readonly RedisServerHandle[];
  /** The nodes as REDIS_CLUSTER_NODES lists them. */
  readonly startupNodes: RedisNode[];
  stop(): Promise<void>;
}

/**
 * A port for a cluster node: free, and so is the port 10,000 above it, the node's cluster bus. Taken from
 * 20000–22767, so both stay below Linux's ephemeral range (32768 and up): any random free port could be 55536
 * or more (no bus port exists above it), and a bus port in that range may be taken by any outgoing connection.
 */
async function freeClusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 2_768);
    if (taken.has(port)) continue;
    if ((await portIsFree(port)) && (await portIsFree(port + 10_000))) {
      taken.add(port);
      return port;
    }
  }
  throw new Error('no free port pair for a Redis Cluster node: a port in 20000–22767 and its bus port 10000 above it');
}

/** Starts `primaries` cluster-enabled nodes (at least 3), joins them with `redis-cli --cluster create` and waits for `cluster_state:ok`. */
export async function startRedisCluster(options: { primaries?: number } = {}): Promise<RedisClusterHandle> {
  const servers: RedisServerHandle[] = [];
  try {
    const taken = new Set<number>();
    const ports: number[] = [];
    for (let i = 0; i < Math.max(3, options.primaries ?? 3); i += 1) ports.push(await freeClusterPort(taken));
    const started = await Promise.all(
      ports.map((port) =>
        startRedisServer({ port, args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'] }),
      ),
    );
    servers.push(...started);
    const addresses = started.map((s) => `127.0.0.1:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes'], { timeout: 15_000 });
    await until('cluster_state:ok on every node', 10_000, async () => {
      const infos = await Promise.all(started.map((s) => redisCommand(s.port, 'CLUSTER', 'INFO') as Promise<string>));
      return infos.every((info) => info.includes('cluster_state:ok')) ? true : undefined;
    });
    return { nodes: started, startupNodes: started.map((s) => ({ host: '127.0.0.1', port: s.port })), stop: () => stopAll(servers) };
  } catch (error) {
    await stopAll(servers);
    throw error;
  }
}
