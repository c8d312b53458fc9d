/**
 * The chart worker pool, started on the first `/stats` rather than at boot: most processes never
 * render a chart, and a worker thread costs memory.
 */
import type { StatsChartInput } from './schema.js';
import { createChartWorkerPool, type ChartWorkerPool, type ChartWorkerPoolOptions } from './worker-pool.js';

export function lazyChartPool(options: ChartWorkerPoolOptions = {}): ChartWorkerPool {
  let pool: ChartWorkerPool | undefined;
  return {
    render(input: StatsChartInput, renderOptions?: { timeoutMs?: number }) {
      pool ??= createChartWorkerPool(options);
      return pool.render(input, renderOptions);
    },
    async close() {
      await pool?.close();
    },
  };
}
