/**
 * The XP ledger: every XP and cool point change the bot makes, one entry each, in a Redis stream per
 * company. Entries older than the retention (XP_LEDGER_RETENTION_DAYS) are trimmed as new ones are
 * added. An entry is appended once per change key (the idempotency key its write carried): a retried
 * or recovered write finds the entry already there and gets its id back. The append, its index and,
 * for an undo, the mark on the entry it undid are one atomic script, so no half of it can be left.
 */
import { z } from 'zod';
import { snowflake } from '../discord/snowflake.js';
import type { BotDeps } from '../discord/types.js';
import { parseJson } from '../redis.js';

export const LEDGER_KINDS = ['add', 'remove', 'cp', 'spend', 'undo'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** What one change leaves in the ledger. Balances are Valentina's after the change. */
export const LedgerEntryInputSchema = z.object({
  /** The change's key (its idempotency key): one entry per key per company. */
  key: z.string().min(1).max(200),
  kind: z.enum(LEDGER_KINDS),
  /** Who made it (Discord and Valentina ids). */
  actorDiscordId: snowflake,
  actorUserId: z.string(),
  /** Whose experience changed. */
  targetDiscordId: snowflake,
  targetUserId: z.string(),
  targetName: z.string(),
  campaignId: z.string(),
  campaignName: z.string(),
  /** As asked: XP, or cool points for `cp`. Always ≥ 1. */
  amount: z.number().int().min(1),
  /** The change to the available XP (negative for a removal). */
  xpDelta: z.number().int(),
  reason: z.string().nullable(),
  /** The Discord interaction that made the change. */
  interactionId: snowflake,
  /** When it was applied (epoch ms). */
  at: z.number().int(),
  xpCurrent: z.number().int(),
  xpTotal: z.number().int(),
  coolPoints: z.number().int(),
  /** For an undo: the id of the entry it undid. */
  undoes: z.string().nullable(),
});
export type LedgerEntryInput = z.infer<typeof LedgerEntryInputSchema>;
export type LedgerEntry = LedgerEntryInput & { id: string };

type LedgerDeps = Pick<BotDeps, 'redis' | 'keys' | 'config'>;

const DAY_MS = 24 * 3600 * 1000;
const FIELD = 'e';
const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/** KEYS: stream, index[, undone]. ARGV: min id, entry JSON, index lifetime (s). Returns {id, 1 if added}. */
const APPEND = `
local existing = redis.call('GET', KEYS[2])
if existing then return {existing, 0} end
local id = redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[1], '*', '${FIELD}', ARGV[2])
redis.call('SET', KEYS[2], id, 'EX', ARGV[3])
if #KEYS > 2 then redis.call('SET', KEYS[3], id, 'EX', ARGV[3]) end
return {id, 1}`;

const retentionMs = (deps: LedgerDeps) => deps.config.experience.ledgerRetentionDays * DAY_MS;

/**
 * Appends one change to its company's ledger, once per `entry.key`: a second call with the same key
 * (a retried job, a recovered write) adds nothing and resolves with the first entry's id.
 */
export async function recordLedgerEntry(deps: LedgerDeps, companyId: string, entry: LedgerEntryInput): Promise<{ id: string; created: boolean }> {
  const checked = LedgerEntryInputSchema.parse(entry);
  const keys = [deps.keys.experience.ledger(companyId), deps.keys.experience.ledgerIndex(companyId, checked.key)];
  if (checked.undoes) keys.push(deps.keys.experience.ledgerUndone(companyId, checked.undoes));
  const minId = `${Math.max(0, Date.now() - retentionMs(deps))}-0`;
  const lifetime = String(Math.ceil(retentionMs(deps) / 1000));
  const result = z.tuple([z.string(), z.number()]).parse(await deps.redis.eval(APPEND, keys.length, ...keys, minId, JSON.stringify(checked), lifetime));
  return { id: result[0], created: result[1] === 1 };
}

/** One stream entry read back and checked; null when it does not parse (never shown half-read). */
function parseEntry(id: string, fields: string[]): LedgerEntry | null {
  const at = fields.indexOf(FIELD);
  const raw = at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
  const entry = parseJson(raw, LedgerEntryInputSchema);
  return entry ? { ...entry, id } : null;
}

type StreamBatch = Array<[string, string[]]>;

/** The entry with this id, or null (unknown, trimmed, or not an entry id). */
export async function getLedgerEntry(deps: LedgerDeps, companyId: string, id: string): Promise<LedgerEntry | null> {
  if (!STREAM_ID.test(id)) return null;
  const found = (await deps.redis.xrange(deps.keys.experience.ledger(companyId), id, id)) as StreamBatch;
  const first = found[0];
  return first ? parseEntry(first[0], first[1]) : null;
}

export interface LedgerFilter {
  /** Only changes to this member's experience. */
  targetDiscordId?: string | undefined;
  /** Only changes made by this member. */
  actorDiscordId?: string | undefined;
  campaignId?: string | undefined;
  /** Only entries at or after this time (epoch ms). */
  since?: number | undefined;
}

const matches = (entry: LedgerEntry, filter: LedgerFilter) =>
  (!filter.targetDiscordId || entry.targetDiscordId === filter.targetDiscordId) &&
  (!filter.actorDiscordId || entry.actorDiscordId === filter.actorDiscordId) &&
  (!filter.campaignId || entry.campaignId === filter.campaignId);

const BATCH = 500;

/** The company's entries that match, newest first, up to `limit`; stops at `filter.since`. */
export async function* ledgerEntries(deps: LedgerDeps, companyId: string, filter: LedgerFilter = {}): AsyncGenerator<LedgerEntry> {
  const key = deps.keys.experience.ledger(companyId);
  const floor = filter.since === undefined ? '-' : `${filter.since}-0`;
  let end = '+';
  for (;;) {
    const batch = (await deps.redis.xrevrange(key, end, floor, 'COUNT', BATCH)) as StreamBatch;
    for (const [id, fields] of batch) {
      const entry = parseEntry(id, fields);
      if (entry && matches(entry, filter)) yield entry;
    }
    const last = batch.at(-1);
    if (batch.length < BATCH || !last) return;
    end = `(${last[0]}`;
  }
}

/** One page (newest first) and how many entries match in all. */
export async function ledgerPage(deps: LedgerDeps, companyId: string, filter: LedgerFilter, page: number, size: number): Promise<{ entries: LedgerEntry[]; total: number }> {
  const entries: LedgerEntry[] = [];
  let total = 0;
  for await (const entry of ledgerEntries(deps, companyId, filter)) {
    if (total >= page * size && total < (page + 1) * size) entries.push(entry);
    total += 1;
  }
  return { entries, total };
}

/** For each id, the id of the entry that undid it, or null. */
export async function undoneBy(deps: LedgerDeps, companyId: string, ids: readonly string[]): Promise<Array<string | null>> {
  if (ids.length === 0) return [];
  return deps.redis.mget(...ids.map((id) => deps.keys.experience.ledgerUndone(companyId, id)));
}
