/**
 * Is the Redis the bot runs on durable? Notes users were told are "kept safe", guild bindings and the
 * queues live only in Redis, so at start-up the bot reads each data node's `appendonly`, `save` and
 * `maxmemory-policy` (CONFIG GET; INFO persistence / INFO memory where a managed Redis disables
 * CONFIG) and refuses to start when a restart or memory pressure could drop them, unless the operator
 * set REDIS_ALLOW_VOLATILE=true.
 *
 * Only `noeviction` is accepted: the `volatile-*` policies evict keys that carry a TTL, and the bot's
 * per-player XP lock, approval decision locks and BullMQ's job locks all carry one, so evicting them
 * would let an XP grant or an approval run twice.
 */
import type { Redis } from 'ioredis';
import type { RedisSettings } from './config.js';
import type { Logger } from './logger.js';
import type { RedisConnection } from './redis.js';

/** What one data node said; `null` where it could not be read. */
export interface NodeDurability {
  /** `host:port`, or how the node was found (never credentials). */
  node: string;
  appendonly: boolean | null;
  /** RDB `save` points are set; INFO does not tell, so `null` without CONFIG. */
  snapshots: boolean | null;
  maxmemoryPolicy: string | null;
}

export const ALLOW_VOLATILE_VARIABLE = 'REDIS_ALLOW_VOLATILE';

/** Why the node could lose the bot's data (empty when it is durable). */
export function durabilityProblems(facts: NodeDurability): string[] {
  const problems: string[] = [];
  if (facts.appendonly !== true && facts.snapshots !== true) {
    if (facts.appendonly === false && facts.snapshots === false) problems.push('persistence is off (appendonly no, save "")');
    else if (facts.appendonly === false) problems.push('appendonly is no and RDB snapshots cannot be confirmed (CONFIG GET is not allowed)');
    else problems.push('its persistence cannot be read (CONFIG GET and INFO persistence refused)');
  }
  if (facts.maxmemoryPolicy === null) problems.push('its maxmemory-policy cannot be read');
  else if (facts.maxmemoryPolicy !== 'noeviction') problems.push(`maxmemory-policy is ${facts.maxmemoryPolicy}, which evicts keys`);
  return problems;
}

export type DurabilityVerdict =
  | { state: 'durable' }
  | { state: 'volatile'; allowed: boolean; summary: string; message: string };

/** The verdict over every node checked; `message` is the one line an operator reads. */
export function judgeDurability(nodes: readonly NodeDurability[], allowVolatile: boolean): DurabilityVerdict {
  const failing = nodes.map((node) => ({ node, problems: durabilityProblems(node) })).filter((n) => n.problems.length > 0);
  if (failing.length === 0) return { state: 'durable' };
  const summary = failing.map(({ node, problems }) => `on ${node.node} ${problems.join('; ')}`).join('; ');
  const all = failing.flatMap((n) => n.problems);
  const fixes = [
    ...(all.some((p) => !p.includes('maxmemory-policy')) ? ['appendonly yes (or RDB save points)'] : []),
    ...(all.some((p) => p.includes('maxmemory-policy')) ? ['maxmemory-policy noeviction'] : []),
  ];
  const message = `Redis may lose the bot's data: ${summary}. Fix: run Redis with ${fixes.join(' and ')}, or set ${ALLOW_VOLATILE_VARIABLE}=true to start anyway.`;
  return { state: 'volatile', allowed: allowVolatile, summary, message };
}

export class RedisDurabilityError extends Error {
  override readonly name = 'RedisDurabilityError';
}

function infoField(info: string, field: string): string | null {
  const match = new RegExp(`^${field}:(.*)$`, 'm').exec(info);
  return match?.[1]?.trim() ?? null;
}

/** Reads one node: CONFIG GET first, INFO where CONFIG is disabled or renamed (managed Redis). */
export async function readNode(node: Redis, label: string): Promise<NodeDurability> {
  try {
    const [appendonly, save, policy] = (await Promise.all([
      node.config('GET', 'appendonly'),
      node.config('GET', 'save'),
      node.config('GET', 'maxmemory-policy'),
    ])) as unknown as [string[], string[], string[]];
    if (appendonly[1] === undefined || save[1] === undefined || policy[1] === undefined) throw new Error('CONFIG GET answered without values');
    return { node: label, appendonly: appendonly[1] === 'yes', snapshots: save[1].trim() !== '', maxmemoryPolicy: policy[1] };
  } catch {
    const [persistence, memory] = await Promise.all([node.info('persistence').catch(() => ''), node.info('memory').catch(() => '')]);
    const aof = infoField(persistence, 'aof_enabled');
    return { node: label, appendonly: aof === null ? null : aof === '1', snapshots: null, maxmemoryPolicy: infoField(memory, 'maxmemory_policy') };
  }
}

function whenReady(connection: RedisConnection): Promise<void> {
  if (connection.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ready = () => {
      connection.off('end', ended);
      resolve();
    };
    const ended = () => {
      connection.off('ready', ready);
      reject(new Error('the Redis connection closed before it was ready'));
    };
    connection.once('ready', ready);
    connection.once('end', ended);
  });
}

/** Every data node the bot writes to: each cluster primary, the Sentinel primary, or the one Redis. */
async function readTopology(connection: RedisConnection, settings: RedisSettings): Promise<NodeDurability[]> {
  await whenReady(connection);
  if ('nodes' in connection && typeof connection.nodes === 'function') {
    return Promise.all(connection.nodes('master').map((node) => readNode(node, `${node.options.host}:${node.options.port}`)));
  }
  const label = settings.mode === 'standalone' ? new URL(settings.url).host : settings.mode === 'sentinel' ? `the primary of ${settings.name}` : 'redis';
  return [await readNode(connection as Redis, label)];
}

/**
 * The start-up check and its readiness entry. `verify()` waits for Redis, reads it and throws a
 * {@link RedisDurabilityError} (one line) when it is volatile and not allowed; with the override it
 * logs a warning once and `/readyz` reports "volatile: allowed by REDIS_ALLOW_VOLATILE".
 */
export class RedisDurabilityCheck {
  private verdict: DurabilityVerdict | undefined;

  constructor(
    private readonly options: { connection: RedisConnection; settings: RedisSettings; allowVolatile: boolean; logger: Logger },
  ) {}

  async verify(): Promise<DurabilityVerdict> {
    const nodes = await readTopology(this.options.connection, this.options.settings);
    const verdict = judgeDurability(nodes, this.options.allowVolatile);
    if (verdict.state === 'volatile' && !verdict.allowed) throw new RedisDurabilityError(verdict.message);
    if (verdict.state === 'volatile') this.options.logger.warn({ redis: verdict.summary }, `Redis may lose the bot's data; starting anyway because ${ALLOW_VOLATILE_VARIABLE}=true`);
    this.verdict = verdict;
    return verdict;
  }

  /** For /readyz: ok, or still unchecked (not ready), or volatile but allowed (ready, with a note). */
  readiness(): Promise<true | string | { note: string }> {
    const verdict = this.verdict;
    if (!verdict) return Promise.resolve('not checked yet');
    if (verdict.state === 'durable') return Promise.resolve(true);
    return Promise.resolve({ note: `volatile: allowed by ${ALLOW_VOLATILE_VARIABLE} (${verdict.summary})` });
  }
}
