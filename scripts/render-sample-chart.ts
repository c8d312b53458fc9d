/**
 * Renders the example statistics of the contract (§4.10), with a few more traits, to
 * docs/stats-chart.png so the chart can be looked at without running the bot.
 *
 *   npx tsx scripts/render-sample-chart.ts [output.png]
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { renderStatsChart } from '../src/stats/index.js';
import type { StatsChartInput } from '../src/stats/index.js';

const SAMPLE_STATS: StatsChartInput = {
  title: 'Mara Voss — 24 rolls',
  subtitle: 'Chicago by Night',
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
    { name: 'Wits', usage_count: 5, trait_id: '0197d100-1a2b-7c3d-8e4f-5a6b7c8d9e03' },
    { name: 'Intimidation', usage_count: 4, trait_id: '0197d100-1a2b-7c3d-8e4f-5a6b7c8d9e04' },
    { name: 'Blood Sorcery: Theban Sorcery', usage_count: 3, trait_id: '0197d100-1a2b-7c3d-8e4f-5a6b7c8d9e05' },
    { name: 'Stealth', usage_count: 2, trait_id: '0197d100-1a2b-7c3d-8e4f-5a6b7c8d9e06' },
  ],
  criticals_percentage: 12.5,
  success_percentage: 58.333333333333336,
  failure_percentage: 20.833333333333336,
  botch_percentage: 8.333333333333332,
};

const output = resolve(process.argv[2] ?? 'docs/stats-chart.png');
const png = await renderStatsChart(SAMPLE_STATS);
await mkdir(dirname(output), { recursive: true });
await writeFile(output, png);
console.log(`Wrote ${output} (${png.length} bytes)`);
