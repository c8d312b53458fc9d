/**
 * The XP ledger as CSV (RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a
 * comma, a quote or a line break, quotes doubled). Text that a spreadsheet would run as a formula
 * (starting with = + - @, a tab or a carriage return) is prefixed with a single quote; numbers are
 * written as numbers.
 */
import type { LedgerEntry } from './ledger.js';

export type CsvValue = string | number | null;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvValue): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: ReadonlyArray<readonly CsvValue[]>): string {
  return rows.map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export const LEDGER_CSV_HEADER = [
  'time',
  'entry',
  'kind',
  'amount',
  'xp_change',
  'player_discord_id',
  'player',
  'by_discord_id',
  'campaign_id',
  'campaign',
  'reason',
  'xp_available_after',
  'xp_total_after',
  'cool_points_after',
  'undoes',
  'undone_by',
  'interaction_id',
] as const;

/** The ledger's entries (newest first, as read) as a CSV document; `undone[i]` belongs to `entries[i]`. */
export function ledgerCsv(entries: readonly LedgerEntry[], undone: ReadonlyArray<string | null>): string {
  const rows = entries.map((e, i): CsvValue[] => [
    new Date(e.at).toISOString(),
    e.id,
    e.kind,
    e.amount,
    e.xpDelta,
    e.targetDiscordId,
    e.targetName,
    e.actorDiscordId,
    e.campaignId,
    e.campaignName,
    e.reason,
    e.xpCurrent,
    e.xpTotal,
    e.coolPoints,
    e.undoes,
    undone[i] ?? null,
    e.interactionId,
  ]);
  return toCsv([[...LEDGER_CSV_HEADER], ...rows]);
}
