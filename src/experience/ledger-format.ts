/** How ledger entries read in history pages, undo answers and autocomplete. Pure functions. */
import type { LedgerEntry } from './ledger.js';

const points = (n: number) => `${n} cool point${n === 1 ? '' : 's'}`;

/** `+5 XP`, `−3 XP`, `+2 cool points`, `−4 XP spent`, `undo −5 XP`. */
export function changeText(entry: Pick<LedgerEntry, 'kind' | 'amount' | 'xpDelta'>): string {
  const xp = `${entry.xpDelta >= 0 ? '+' : '−'}${Math.abs(entry.xpDelta)} XP`;
  switch (entry.kind) {
    case 'cp':
      return `+${points(entry.amount)} (${xp})`;
    case 'spend':
      return `${xp} spent`;
    case 'undo':
      return `undo: ${xp}`;
    default:
      return xp;
  }
}

/** One line of a history page. */
export function historyLine(entry: LedgerEntry, undoneBy: string | null, showTarget: boolean): string {
  const when = `<t:${Math.floor(entry.at / 1000)}:f>`;
  const what = undoneBy ? `~~${changeText(entry)}~~ (undone)` : `**${changeText(entry)}**`;
  const whom = showTarget ? ` <@${entry.targetDiscordId}>` : '';
  const by = entry.actorDiscordId === entry.targetDiscordId ? '' : ` by <@${entry.actorDiscordId}>`;
  const reason = entry.reason ? ` — ${entry.reason.slice(0, 80)}` : '';
  return `${when} ${what}${whom}${by} · *${entry.campaignName.slice(0, 40)}* · ${entry.xpCurrent} XP after${reason} \`${entry.id}\``;
}

/** An autocomplete choice for `/xp undo entry:` (at most 100 characters). */
export function entryChoiceName(entry: LedgerEntry): string {
  const minutes = Math.max(0, Math.round((Date.now() - entry.at) / 60_000));
  return `${changeText(entry)} for ${entry.targetName} in ${entry.campaignName}, ${minutes} min ago`.slice(0, 100);
}
