import type { StatsChartInput } from '../../src/stats/index.js';

/** The §4.10 example statistics, with a title. */
export function sampleStats(overrides: Partial<StatsChartInput> = {}): StatsChartInput {
  return {
    title: 'Mara Voss — 24 rolls',
    botches: 2,
    successes: 14,
    failures: 5,
    criticals: 3,
    total_rolls: 24,
    average_difficulty: 6.25,
    average_pool: 5.5,
    top_traits: [
      { name: 'Dexterity', usage_count: 9, trait_id: '0197d100-1a2b-7c3d-8e4f-5a6b7c8d9e01' },
      { name: 'Firearms', usage_count: 7, trait_id: '0197d100-1a2b-7c3d-8e4f-5a6b7c8d9e02' },
    ],
    criticals_percentage: 12.5,
    success_percentage: 58.333333333333336,
    failure_percentage: 20.833333333333336,
    botch_percentage: 8.333333333333332,
    ...overrides,
  };
}

/** Statistics without any roll, as the API returns them. */
export function emptyStats(): StatsChartInput {
  return sampleStats({
    title: 'Nobody — 0 rolls',
    botches: 0, successes: 0, failures: 0, criticals: 0, total_rolls: 0,
    average_difficulty: null, average_pool: null, top_traits: [],
    criticals_percentage: 0, success_percentage: 0, failure_percentage: 0, botch_percentage: 0,
  });
}

export function manyTraits(count: number): StatsChartInput['top_traits'] {
  return Array.from({ length: count }, (_, i) => ({ name: `Trait ${String(i + 1).padStart(2, '0')}`, usage_count: 100 - i * 3 }));
}
