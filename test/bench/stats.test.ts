import { describe, expect, it } from 'vitest';
import { formatSpread, interleavedOrder, percentile, seededJitter, spread } from '../../scripts/bench-stats.js';

describe('benchmark statistics', () => {
  it('gives min, median and max of the repetitions (mean of the middle two for an even count)', () => {
    expect(spread([5, 1, 3])).toEqual({ min: 1, median: 3, max: 5 });
    expect(spread([4, 1, 3, 2])).toEqual({ min: 1, median: 2.5, max: 4 });
    expect(spread([7])).toEqual({ min: 7, median: 7, max: 7 });
    expect(Number.isNaN(spread([]).median)).toBe(true);
    expect(formatSpread({ min: 1, median: 2.25, max: 4 }, 1, ' ms')).toBe('2.3 ms (1.0–4.0)');
  });

  it('takes the nearest-rank percentile', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile([3], 99)).toBe(3);
  });

  it('alternates which target goes first, so each goes first in half the repetitions', () => {
    const order = interleavedOrder('floor', 'bot', 5);
    expect(order).toEqual([
      ['floor', 'bot'],
      ['bot', 'floor'],
      ['floor', 'bot'],
      ['bot', 'floor'],
      ['floor', 'bot'],
    ]);
    const firsts = interleavedOrder('floor', 'bot', 4).map(([first]) => first);
    expect(firsts.filter((t) => t === 'bot')).toHaveLength(2);
  });

  it('draws the same jitter for the same seed, within the bounds', () => {
    const a = seededJitter(42, 20, 40);
    const b = seededJitter(42, 20, 40);
    const drawn = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(drawn);
    expect(Math.min(...drawn)).toBe(20);
    expect(Math.max(...drawn)).toBe(40);
    expect(drawn.every(Number.isInteger)).toBe(true);
  });
});
