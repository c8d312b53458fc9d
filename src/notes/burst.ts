/**
 * The burst buffer: DMs a user sends in quick succession are collected in Redis until the burst is
 * quiet, then sealed and turned into one note. Living in Redis, an open burst survives a restart.
 *
 * Keys (`keys.notes`, src/keyspace.ts; under the deployment prefix):
 *   notes:burst:<discord user>        hash {id, first, last} — the user's open burst (id = first message id)
 *   notes:parts:<burst id>            list of MessagePart JSON, in arrival order
 *   notes:await-company:<discord user> set of burst ids waiting for the user to pick a company
 *
 * Appending and sealing are Lua scripts, so a message arriving while its burst is sealed lands either
 * in that burst (before the seal) or in a new one — never in between.
 */
import type { NotesKeys } from '../keyspace.js';
import { parseJson, type RedisConnection } from '../redis.js';
import { z } from 'zod';
import { AttachmentSchema, type MessagePart } from './compose.js';

export const PartSchema = z.object({
  messageId: z.string().regex(/^\d{15,21}$/),
  text: z.string(),
  attachments: z.array(AttachmentSchema),
  at: z.number().int(),
});
export type StoredPart = z.infer<typeof PartSchema>;

/** Parts of an unfinished burst are kept this long at most (a job always seals much sooner). */
const PARTS_TTL_SECONDS = 7 * 24 * 3600;

// KEYS[1] pointer hash, ARGV: part JSON, message id, now, max age ms, parts key prefix, ttl.
// Returns {burst id, 1 when this message opened the burst, first timestamp}.
const APPEND = `
local id = redis.call('HGET', KEYS[1], 'id')
local first = tonumber(redis.call('HGET', KEYS[1], 'first') or '0')
local now = tonumber(ARGV[3])
local opened = 0
if (not id) or (now - first > tonumber(ARGV[4])) then
  id = ARGV[2]
  first = now
  opened = 1
  redis.call('HSET', KEYS[1], 'id', id, 'first', now, 'last', now)
else
  redis.call('HSET', KEYS[1], 'last', now)
end
redis.call('EXPIRE', KEYS[1], ARGV[6])
local parts = ARGV[5] .. id
redis.call('RPUSH', parts, ARGV[1])
redis.call('EXPIRE', parts, ARGV[6])
return {id, opened, tostring(first)}
`;

// KEYS[1] pointer hash, ARGV[1] burst id. Closes the burst if it is still the open one.
const SEAL = `
if redis.call('HGET', KEYS[1], 'id') == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
`;

export interface OpenBurst {
  id: string;
  first: number;
  last: number;
}

export class BurstBuffer {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: Pick<NotesKeys, 'burst' | 'partsPrefix' | 'awaitCompany'>,
  ) {}

  private pointerKey(discordUserId: string) {
    return this.keys.burst(discordUserId);
  }
  private partsPrefix() {
    return this.keys.partsPrefix();
  }
  private awaitKey(discordUserId: string) {
    return this.keys.awaitCompany(discordUserId);
  }

  /** Adds a message to the user's open burst, opening one when there is none (or it is too old). */
  async append(discordUserId: string, part: StoredPart, maxAgeMs: number): Promise<{ burstId: string; opened: boolean; first: number }> {
    const result = (await this.redis.eval(
      APPEND,
      1,
      this.pointerKey(discordUserId),
      JSON.stringify(PartSchema.parse(part)),
      part.messageId,
      String(part.at),
      String(maxAgeMs),
      this.partsPrefix(),
      String(PARTS_TTL_SECONDS),
    )) as [string, number, string];
    return { burstId: result[0], opened: result[1] === 1, first: Number(result[2]) };
  }

  /** The user's open burst, if any. */
  async open(discordUserId: string): Promise<OpenBurst | null> {
    const raw = await this.redis.hgetall(this.pointerKey(discordUserId));
    const parsed = z.object({ id: z.string(), first: z.coerce.number(), last: z.coerce.number() }).safeParse(raw);
    return parsed.success ? parsed.data : null;
  }

  /** Closes the burst (no-op when it was closed already) and returns its messages. */
  async seal(discordUserId: string, burstId: string): Promise<StoredPart[]> {
    await this.redis.eval(SEAL, 1, this.pointerKey(discordUserId), burstId);
    const raw = await this.redis.lrange(this.partsPrefix() + burstId, 0, -1);
    return raw.flatMap((entry) => parseJson(entry, PartSchema) ?? []);
  }

  /** Drops a sealed burst's messages once its notes are safe in the job. */
  async discard(burstId: string): Promise<void> {
    await this.redis.del(this.partsPrefix() + burstId);
  }

  async awaitCompany(discordUserId: string, burstId: string): Promise<void> {
    await this.redis.multi().sadd(this.awaitKey(discordUserId), burstId).expire(this.awaitKey(discordUserId), PARTS_TTL_SECONDS).exec();
  }

  /** Burst ids that waited for a company choice (the set is emptied). */
  async takeAwaiting(discordUserId: string): Promise<string[]> {
    const [[, ids]] = ((await this.redis.multi().smembers(this.awaitKey(discordUserId)).del(this.awaitKey(discordUserId)).exec()) ?? [[null, []]]) as [[unknown, string[]]];
    return ids.filter((id) => /^\d{15,21}$/.test(id));
  }
}

export const toParts = (stored: readonly StoredPart[]): MessagePart[] => stored.map((p) => ({ text: p.text, attachments: p.attachments }));
