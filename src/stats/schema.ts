/**
 * Input of the statistics chart: the RollStatistics shape of the contract (§4.10) plus the texts the
 * caller chooses (title, optional subtitle). Validated with zod before anything is drawn, so a chart
 * never renders from a half-valid value.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative();
const percentage = z.number().finite();

export const StatsTraitSchema = z.object({
  name: z.string(),
  usage_count: count,
  trait_id: z.string().uuid().optional(),
});
export type StatsTrait = z.infer<typeof StatsTraitSchema>;

export const StatsChartInputSchema = z.object({
  title: z.string().min(1).max(200),
  subtitle: z.string().max(300).optional(),
  botches: count,
  successes: count,
  failures: count,
  criticals: count,
  total_rolls: count,
  average_difficulty: z.number().finite().nullable(),
  average_pool: z.number().finite().nullable(),
  top_traits: z.array(StatsTraitSchema).max(25),
  criticals_percentage: percentage,
  success_percentage: percentage,
  failure_percentage: percentage,
  botch_percentage: percentage,
});
export type StatsChartInput = z.infer<typeof StatsChartInputSchema>;

/** Whether the statistics hold at least one roll, i.e. whether a chart makes sense at all. */
export function hasRolls(stats: Pick<StatsChartInput, 'total_rolls'>): boolean {
  return stats.total_rolls > 0;
}

/** Thrown by the renderer when asked to draw statistics without a single roll. */
export class EmptyStatisticsError extends Error {
  override name = 'EmptyStatisticsError';
  constructor() {
    super('Cannot draw a statistics chart without any rolls; check hasRolls() and show an empty state instead.');
  }
}

