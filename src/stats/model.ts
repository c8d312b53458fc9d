/**
 * Pure figures behind the chart: outcome slices with display percentages, the "other" remainder and
 * the trait rows. Kept apart from drawing so the numbers are testable without pixels.
 */
import type { StatsChartInput, StatsTrait } from './schema.js';

export type OutcomeKey = 'critical' | 'success' | 'failure' | 'botch' | 'other';

/**
 * Colour-blind-safe outcome colours (Okabe–Ito palette), as Discord embed colour integers. The chart
 * uses exactly these, so an embed sent next to the image can match it.
 */
export const OUTCOME_COLOURS = {
  critical: 0xf0e442,
  success: 0x56b4e9,
  failure: 0xe69f00,
  botch: 0xd55e00,
  other: 0x8e9297,
} as const satisfies Record<OutcomeKey, number>;

export const OUTCOME_LABELS: Record<OutcomeKey, string> = {
  critical: 'Critical',
  success: 'Success',
  failure: 'Failure',
  botch: 'Botch',
  other: 'Other',
};

/** `#rrggbb` form of an embed colour integer. */
export function cssColour(colour: number): string {
  return `#${colour.toString(16).padStart(6, '0')}`;
}

export interface OutcomeSlice {
  key: OutcomeKey;
  label: string;
  count: number;
  /** Exact share of all rolls, 0–1. */
  share: number;
  /** Rounded percentage for display, e.g. "58%" or "<1%". */
  percentLabel: string;
}

/**
 * The four outcomes in fixed order, plus "other" when some rolls are none of them. Percentages are
 * derived from the counts (not the API's float fields) and rounded with the largest-remainder
 * method, so the displayed whole numbers add up to exactly 100; a non-zero count that rounds to 0
 * shows as "<1%" rather than a misleading "0%".
 */
export function outcomeSlices(stats: StatsChartInput): OutcomeSlice[] {
  const counted = stats.criticals + stats.successes + stats.failures + stats.botches;
  const total = Math.max(stats.total_rolls, counted);
  const entries: Array<[OutcomeKey, number]> = [
    ['critical', stats.criticals],
    ['success', stats.successes],
    ['failure', stats.failures],
    ['botch', stats.botches],
  ];
  const other = total - counted;
  if (other > 0) entries.push(['other', other]);
  const rounded = largestRemainder(
    entries.map(([, n]) => n),
    100,
  );
  return entries.map(([key, n], i) => {
    const pct = rounded[i] ?? 0;
    return {
      key,
      label: OUTCOME_LABELS[key],
      count: n,
      share: total === 0 ? 0 : n / total,
      percentLabel: n > 0 && pct === 0 ? '<1%' : `${pct}%`,
    };
  });
}

/** Whole-number shares of `target` proportional to `values`, summing exactly to `target` (0s if all are 0). */
export function largestRemainder(values: readonly number[], target: number): number[] {
  const sum = values.reduce((a, b) => a + b, 0);
  if (sum === 0) return values.map(() => 0);
  const exact = values.map((v) => (v / sum) * target);
  const floors = exact.map(Math.floor);
  let left = target - floors.reduce((a, b) => a + b, 0);
  const order = exact
    .map((e, i) => ({ i, rem: e - Math.floor(e) }))
    .sort((a, b) => b.rem - a.rem || values[b.i]! - values[a.i]! || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    floors[i] = floors[i]! + 1;
    left -= 1;
  }
  return floors;
}

export interface TraitRows {
  rows: StatsTrait[];
  /** How many further traits were given but not drawn. */
  hidden: number;
  maxUsage: number;
}

/** The `limit` most used traits, most used first (ties keep the API's order). */
export function traitRows(traits: readonly StatsTrait[], limit: number): TraitRows {
  const sorted = traits
    .map((t, i) => ({ t, i }))
    .sort((a, b) => b.t.usage_count - a.t.usage_count || a.i - b.i)
    .map(({ t }) => t);
  const rows = sorted.slice(0, Math.max(0, limit));
  const maxUsage = rows.reduce((m, t) => Math.max(m, t.usage_count), 0);
  return { rows, hidden: sorted.length - rows.length, maxUsage };
}

/** "Average pool 5.5 dice · Average difficulty 6.3", or null when the API has neither. */
export function averagesLine(stats: Pick<StatsChartInput, 'average_pool' | 'average_difficulty'>): string | null {
  const parts: string[] = [];
  if (stats.average_pool != null) parts.push(`Average pool ${formatDecimal(stats.average_pool)} dice`);
  if (stats.average_difficulty != null) parts.push(`Average difficulty ${formatDecimal(stats.average_difficulty)}`);
  return parts.length > 0 ? parts.join('  ·  ') : null;
}

/** One decimal at most, without a trailing ".0". */
export function formatDecimal(n: number): string {
  return (Math.round(n * 10) / 10).toFixed(1).replace(/\.0$/, '');
}
