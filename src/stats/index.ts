/** Statistics chart for the `/stats` command. */
export { renderStatsChart, warmUpStatsChart } from './render.js';
export type { RenderStatsChart } from './render.js';
export { drawStatsChart, CHART_WIDTH, CHART_HEIGHT, MAX_TRAIT_ROWS, CHART_THEME } from './draw.js';
export { OUTCOME_COLOURS, OUTCOME_LABELS, cssColour, outcomeSlices } from './model.js';
export type { OutcomeKey, OutcomeSlice } from './model.js';
export { ChartFontError } from './fonts.js';
export { StatsChartInputSchema, StatsTraitSchema, EmptyStatisticsError, hasRolls } from './schema.js';
export type { StatsChartInput, StatsTrait } from './schema.js';
export { createChartWorkerPool, chartWorkerEntry, ChartRenderTimeoutError, ChartRendererBusyError, ChartWorkerError } from './worker-pool.js';
export type { ChartWorkerPool, ChartWorkerPoolOptions } from './worker-pool.js';
