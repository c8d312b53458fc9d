import { describe, expect, it } from 'vitest';
import { averagesLine, largestRemainder, traitRows } from '../../src/stats/model.js';
import { StatsChartInputSchema, hasRolls, outcomeSlices } from '../../src/stats/index.js';
import { emptyStats, manyTraits, sampleStats } from './fixtures.js';

describe('outcome figures', () => {
  it('shows whole percentages that add up to 100 and follow the counts', () => {
    const slices = outcomeSlices(sampleStats());
    expect(slices.map((s) => [s.label, s.count, s.percentLabel])).toEqual([
      ['Critical', 3, '13%'],
      ['Success', 14, '58%'],
      ['Failure', 5, '21%'],
      ['Botch', 2, '8%'],
    ]);
    expect(slices.reduce((sum, s) => sum + Number.parseInt(s.percentLabel, 10), 0)).toBe(100);
  });

  it('adds an "other" slice only when some rolls are none of the four outcomes', () => {
    expect(outcomeSlices(sampleStats()).some((s) => s.key === 'other')).toBe(false);
    const withOther = outcomeSlices(sampleStats({ total_rolls: 30 }));
    expect(withOther.at(-1)).toMatchObject({ key: 'other', label: 'Other', count: 6, percentLabel: '20%' });
  });

  it('marks a tiny but non-zero share as "<1%" instead of 0%', () => {
    const slices = outcomeSlices(sampleStats({ criticals: 1, successes: 700, failures: 299, botches: 0, total_rolls: 1000 }));
    expect(slices.find((s) => s.key === 'critical')?.percentLabel).toBe('<1%');
    expect(slices.find((s) => s.key === 'botch')?.percentLabel).toBe('0%');
  });

  it('distributes rounding so the parts always sum to the target', () => {
    expect(largestRemainder([1, 1, 1], 100)).toEqual([34, 33, 33]);
    expect(largestRemainder([0, 0], 100)).toEqual([0, 0]);
    for (const values of [[3, 14, 5, 2], [1, 1, 1, 1, 3], [999, 1, 0, 0]]) {
      expect(largestRemainder(values, 100).reduce((a, b) => a + b, 0)).toBe(100);
    }
  });
});

describe('trait rows and subtitle', () => {
  it('keeps the most used traits first and counts the ones left out', () => {
    const traits = [...manyTraits(25)].reverse();
    const { rows, hidden, maxUsage } = traitRows(traits, 8);
    expect(rows.map((t) => t.name)).toEqual(manyTraits(8).map((t) => t.name));
    expect(hidden).toBe(17);
    expect(maxUsage).toBe(100);
    expect(traitRows([], 8)).toEqual({ rows: [], hidden: 0, maxUsage: 0 });
  });

  it('mentions only the averages the API gave', () => {
    expect(averagesLine({ average_pool: 5.5, average_difficulty: 6.25 })).toBe('Average pool 5.5 dice  ·  Average difficulty 6.3');
    expect(averagesLine({ average_pool: 6, average_difficulty: null })).toBe('Average pool 6 dice');
    expect(averagesLine({ average_pool: null, average_difficulty: null })).toBeNull();
  });
});

describe('input schema', () => {
  it('accepts the API shape and tells whether there is anything to draw', () => {
    expect(StatsChartInputSchema.parse(sampleStats())).toMatchObject({ total_rolls: 24 });
    expect(hasRolls(sampleStats())).toBe(true);
    expect(hasRolls(emptyStats())).toBe(false);
  });

  it('rejects malformed statistics', () => {
    expect(StatsChartInputSchema.safeParse(sampleStats({ botches: -1 })).success).toBe(false);
    expect(StatsChartInputSchema.safeParse(sampleStats({ top_traits: manyTraits(26) })).success).toBe(false);
    expect(StatsChartInputSchema.safeParse({ ...sampleStats(), title: '' }).success).toBe(false);
  });
});
