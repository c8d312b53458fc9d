/**
 * Pure statistics for the benchmarks: percentiles, the spread of a figure over repetitions
 * (min/median/max), the order in which two targets run in each repetition, and seeded jitter.
 * Unit-tested in test/bench/stats.test.ts.
 */

/** The p-th percentile (nearest rank) of `samples`; NaN when there are none. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** A figure measured once per repetition. */
export interface Spread {
  min: number;
  median: number;
  max: number;
}

/** min/median/max of one figure over the repetitions; the median of an even count is the mean of the middle two. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: Number.NaN, median: Number.NaN, max: Number.NaN };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { min: sorted[0]!, median, max: sorted[sorted.length - 1]! };
}

/** "median (min–max)" with `digits` decimals. */
export function formatSpread(s: Spread, digits = 1, unit = ''): string {
  return `${s.median.toFixed(digits)}${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})`;
}

/**
 * Which target runs first in each repetition: the first target in even repetitions, the second in
 * odd ones, so warm-up, drift and a growing simulator would favour neither.
 */
export function interleavedOrder<T>(first: T, second: T, repetitions: number): Array<[T, T]> {
  return Array.from({ length: repetitions }, (_, i) => (i % 2 === 0 ? [first, second] : [second, first]));
}

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32), so runs are comparable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whole milliseconds drawn uniformly from [minMs, maxMs] by a seeded generator. */
export function seededJitter(seed: number, minMs: number, maxMs: number): () => number {
  const next = prng(seed);
  return () => minMs + Math.floor(next() * (maxMs - minMs + 1));
}
