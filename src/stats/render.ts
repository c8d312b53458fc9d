/**
 * Public entry of the statistics chart: validate, refuse empty statistics, draw, encode to PNG.
 *
 * Two ways to render, same signature (RenderStatsChart), picked by whoever wires the command:
 *  - `renderStatsChart` (here): draws on the calling thread (~1 ms) and encodes the PNG (~20 ms)
 *    through the canvas library's asynchronous `encode`, i.e. on libuv's shared thread pool.
 *  - `createChartWorkerPool().render` (worker-pool.ts): draws and encodes in a worker thread.
 * Measured by scripts/bench-chart.ts on 2 cores: one render at a time, both keep the event loop's
 * delay p99 at a few ms; with four renders in flight the in-thread path lets encoding threads
 * crowd out the main thread (loop delay p99 ~12 ms, and libuv's pool is shared with fs and DNS),
 * while a pool of one worker holds it at ~3 ms and queues the renders. The bot should therefore use
 * one long-lived pool (size 1–2); renderStatsChart suits scripts and tests.
 */
import { drawStatsChart } from './draw.js';
import { ensureChartFont } from './fonts.js';
import { EmptyStatisticsError, StatsChartInputSchema, hasRolls } from './schema.js';
import type { StatsChartInput } from './schema.js';

/** A chart renderer: renderStatsChart or a worker pool's render. */
export type RenderStatsChart = (input: StatsChartInput) => Promise<Buffer>;

/**
 * Renders the chart as a PNG. Rejects with EmptyStatisticsError when there are no rolls (check
 * hasRolls() first and show an empty state) and with a ZodError when the input is malformed.
 */
export async function renderStatsChart(input: StatsChartInput): Promise<Buffer> {
  const stats = StatsChartInputSchema.parse(input);
  if (!hasRolls(stats)) throw new EmptyStatisticsError();
  return drawStatsChart(stats).encode('png');
}

/**
 * Registers the bundled font ahead of the first chart, e.g. at start-up, so a deployment without
 * the font files fails early: throws ChartFontError when they are missing.
 */
export function warmUpStatsChart(): void {
  ensureChartFont();
}
