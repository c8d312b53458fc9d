/**
 * One gateway process per shard: a Redis lease per (application id, shard id), held by an owner token
 * while the gateway runs, renewed every few seconds, released when the gateway closes. Two processes
 * connected with the same shards would both receive — and both answer — every interaction.
 *
 * A process whose shards are held waits, polling, and connects as soon as they are released: a
 * rolling restart (start the new process, then stop the old one) hands over in well under a second
 * after the old process closes its gateway. While waiting it logs why and how to run both at once
 * (SHARD_IDS with SHARD_COUNT). A holder that died without releasing is waited out (the lease
 * expires after {@link LEASE_TTL_MS}), unless it ran on this host and its process is gone, which is
 * checked directly. Every holder also registers its SHARD_COUNT, and a process with another count
 * waits too: shards of different counts cover overlapping guilds.
 */
import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import type { Config } from '../config.js';
import type { GatewayKeys } from '../keyspace.js';
import type { Logger } from '../logger.js';
import type { RedisConnection } from '../redis.js';

export const LEASE_TTL_MS = 10_000;
const RENEW_EVERY_MS = 2_000;
const POLL_EVERY_MS = 200;
const REPEAT_WAITING_LOG_MS = 30_000;

// KEYS: the holders registry (zset of "count|owner" by expiry), then one key per shard.
// ARGV: owner, shard count, ttl ms, an owner known to be dead on this host ('' for none).
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local owner, count, ttl, dead = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local sep = string.find(member, '|', 1, true)
  local c, o = string.sub(member, 1, sep - 1), string.sub(member, sep + 1)
  if o == dead then redis.call('ZREM', KEYS[1], member)
  elseif o ~= owner and c ~= count then return {'count', c, o} end
end
for i = 2, #KEYS do
  local holder = redis.call('GET', KEYS[i])
  if holder and holder ~= owner and holder ~= dead then return {'shard', tostring(i - 2), holder} end
end
for i = 2, #KEYS do redis.call('SET', KEYS[i], owner, 'PX', ttl) end
redis.call('ZADD', KEYS[1], now + ttl, count .. '|' .. owner)
redis.call('PEXPIRE', KEYS[1], ttl * 2)
return {'ok'}
`;

const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) ~= ARGV[1] then return {'lost', tostring(i - 2)} end
end
for i = 2, #KEYS do redis.call('PEXPIRE', KEYS[i], ARGV[3]) end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2] .. '|' .. ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) * 2)
return {'ok'}
`;

const RELEASE = `
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then redis.call('DEL', KEYS[i]) end
end
redis.call('ZREM', KEYS[1], ARGV[2] .. '|' .. ARGV[1])
return 1
`;

export interface ShardLeaseOptions {
  redis: RedisConnection;
  /** The lease's key names (under the deployment prefix, a hash tag on a cluster, so every lease key shares a slot). */
  keys: GatewayKeys;
  applicationId: string;
  /** The shards this process runs. */
  shardIds: readonly number[];
  /** SHARD_COUNT (1 unsharded). */
  shardCount: number;
  logger: Logger;
}

/** Who holds what this process wants. */
export type LeaseConflict = { kind: 'shard'; shardId: number; holder: string } | { kind: 'count'; shardCount: number; holder: string };

/** `host#pid#pid-namespace#random`: readable in a message, and enough to tell a dead local holder. */
function ownerToken(): string {
  let namespace = '';
  try {
    namespace = readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
  } catch {
    // Not Linux: a dead holder on this host is waited out like any other.
  }
  return `${hostname()}#${process.pid}#${namespace}#${randomBytes(6).toString('hex')}`;
}

/** The holder ran on this host, in this pid namespace, and its process no longer exists. */
export function holderIsGone(holder: string, self: string): boolean {
  const [host, pid, namespace] = holder.split('#');
  const [myHost, myPid, myNamespace] = self.split('#');
  if (!namespace || host !== myHost || namespace !== myNamespace || pid === myPid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function describeHolder(holder: string): string {
  const [host, pid] = holder.split('#');
  return `host ${host ?? '?'}, pid ${pid ?? '?'}`;
}

export function describeConflict(conflict: LeaseConflict, shardCount: number): string {
  return conflict.kind === 'shard'
    ? `shard ${conflict.shardId} (of ${shardCount}) is held by another gateway process (${describeHolder(conflict.holder)}): two processes on one shard would both answer every interaction. This one connects when that one stops; to run both, give each its own SHARD_IDS with the same SHARD_COUNT`
    : `another gateway process (${describeHolder(conflict.holder)}) runs with SHARD_COUNT=${conflict.shardCount}, this one with ${shardCount}: every gateway process needs the same SHARD_COUNT. This one connects when that one stops`;
}

export class ShardLease {
  readonly owner = ownerToken();
  readonly #keys: string[];
  #renewTimer: NodeJS.Timeout | undefined;
  #waiting = false;
  #closed = false;
  #wake: (() => void) | undefined;

  constructor(private readonly options: ShardLeaseOptions) {
    const { keys, applicationId } = options;
    this.#keys = [keys.holders(applicationId), ...options.shardIds.map((id) => keys.shard(applicationId, id))];
  }

  /** True while waiting for another process to release the shards. */
  get waiting(): boolean {
    return this.#waiting;
  }

  /** One attempt: undefined when this process now holds every shard, else who is in the way. */
  async tryAcquire(dead = ''): Promise<LeaseConflict | undefined> {
    const { redis, shardCount, shardIds } = this.options;
    const result = (await redis.eval(ACQUIRE, this.#keys.length, ...this.#keys, this.owner, String(shardCount), String(LEASE_TTL_MS), dead)) as string[];
    if (result[0] === 'ok') return undefined;
    if (result[0] === 'count') return { kind: 'count', shardCount: Number(result[1]), holder: result[2] ?? '' };
    const conflict: LeaseConflict = { kind: 'shard', shardId: shardIds[Number(result[1])] ?? -1, holder: result[2] ?? '' };
    // A holder on this host whose process is gone: take over now rather than after the TTL.
    if (!dead && holderIsGone(conflict.holder, this.owner)) return this.tryAcquire(conflict.holder);
    return conflict;
  }

  /**
   * Resolves true once this process holds every shard, polling while another holds them (and while
   * Redis is unreachable); false when {@link close} was called meanwhile.
   */
  async acquire(): Promise<boolean> {
    const { logger, shardCount } = this.options;
    let loggedAt = 0;
    let lastReason = '';
    this.#waiting = true;
    try {
      while (!this.#closed) {
        let reason: string;
        try {
          const conflict = await this.tryAcquire();
          if (!conflict) return !this.#closed;
          reason = describeConflict(conflict, shardCount);
        } catch (error) {
          reason = `could not reach Redis to take the shard lease (${error instanceof Error ? error.message : String(error)})`;
        }
        if (reason !== lastReason || Date.now() - loggedAt >= REPEAT_WAITING_LOG_MS) {
          logger.warn({ shards: this.options.shardIds, shardCount }, `gateway waiting: ${reason}`);
          loggedAt = Date.now();
          lastReason = reason;
        }
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_EVERY_MS);
          this.#wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return false;
    } finally {
      this.#waiting = false;
      this.#wake = undefined;
    }
  }

  /** Renews the lease every few seconds; `onLost` runs once if another process took a shard meanwhile. */
  keepRenewing(onLost: (shardId: number) => void): void {
    const { redis, shardCount, shardIds, logger } = this.options;
    clearInterval(this.#renewTimer);
    this.#renewTimer = setInterval(() => {
      redis
        .eval(RENEW, this.#keys.length, ...this.#keys, this.owner, String(shardCount), String(LEASE_TTL_MS))
        .then((result) => {
          const [status, index] = result as string[];
          if (status !== 'lost' || this.#closed) return;
          clearInterval(this.#renewTimer);
          onLost(shardIds[Number(index)] ?? -1);
        })
        // Redis unreachable: keep serving; nobody else can take the lease while Redis is down either.
        .catch((error: unknown) => logger.warn({ err: error }, 'could not renew the shard lease'));
    }, RENEW_EVERY_MS);
    this.#renewTimer.unref();
  }

  /** Stops renewing and gives the shards back, so a waiting process connects at once. */
  async release(): Promise<void> {
    clearInterval(this.#renewTimer);
    const { redis, shardCount } = this.options;
    await redis.eval(RELEASE, this.#keys.length, ...this.#keys, this.owner, String(shardCount));
  }

  /** Ends any wait ({@link acquire} resolves false) and releases what is held. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    await this.release();
  }
}

/** The lease of the shards this process's gateway runs (all of SHARD_COUNT without SHARD_IDS; shard 0 of 1 unsharded). */
export function shardLeaseFor(config: Config, keys: GatewayKeys, redis: RedisConnection, logger: Logger): ShardLease {
  const { shardIds, shardCount = 1, clientId } = config.discord;
  return new ShardLease({
    redis,
    keys,
    applicationId: clientId,
    shardIds: shardIds ?? Array.from({ length: shardCount }, (_, id) => id),
    shardCount,
    logger,
  });
}
