import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadImage } from '@napi-rs/canvas';
import { afterEach, describe, expect, it } from 'vitest';
import { fontsDirectory } from '../../src/stats/fonts.js';
import {
  ChartRenderTimeoutError,
  ChartRendererBusyError,
  ChartWorkerError,
  EmptyStatisticsError,
  chartWorkerEntry,
  createChartWorkerPool,
  renderStatsChart,
} from '../../src/stats/index.js';
import type { ChartWorkerPool } from '../../src/stats/index.js';
import { emptyStats, manyTraits, sampleStats } from './fixtures.js';

const packageRoot = fileURLToPath(new URL('../../', import.meta.url));
const pools: ChartWorkerPool[] = [];
function pool(options: Parameters<typeof createChartWorkerPool>[0]): ChartWorkerPool {
  const created = createChartWorkerPool(options);
  pools.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('chart worker pool', () => {
  it('renders the same chart as the in-thread renderer, several at a time', async () => {
    const renderer = pool({ size: 2, timeoutMs: 20_000 });
    const inputs = [sampleStats(), sampleStats({ top_traits: manyTraits(25) }), sampleStats({ total_rolls: 30 })];
    const pngs = await Promise.all(inputs.map((input) => renderer.render(input)));
    for (const [i, png] of pngs.entries()) {
      const image = await loadImage(png);
      expect([image.width, image.height]).toEqual([1000, 500]);
      expect(png.equals(await renderStatsChart(inputs[i]!))).toBe(true);
    }
    expect(pngs[0]!.equals(pngs[1]!)).toBe(false);
  });

  it('refuses empty statistics with the same typed error', async () => {
    const renderer = pool({ size: 1 });
    await expect(renderer.render(emptyStats())).rejects.toBeInstanceOf(EmptyStatisticsError);
  });

  it('gives up on a render that exceeds its timeout and keeps serving afterwards', async () => {
    const renderer = pool({ size: 1, timeoutMs: 20_000 });
    await expect(renderer.render(sampleStats(), { timeoutMs: 1 })).rejects.toBeInstanceOf(ChartRenderTimeoutError);
    const png = await renderer.render(sampleStats());
    expect((await loadImage(png)).width).toBe(1000);
  });

  it('refuses new renders when the queue is full, and all renders once closed', async () => {
    const renderer = createChartWorkerPool({ size: 1, maxQueue: 1, timeoutMs: 20_000 });
    const first = renderer.render(sampleStats());
    const second = renderer.render(sampleStats());
    const refused = await renderer.render(sampleStats()).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ChartRendererBusyError);
    // When to try again: at least a second, for the two renders ahead of it.
    expect((refused as ChartRendererBusyError).retryAfterMs).toBeGreaterThanOrEqual(1000);
    expect((await first).length).toBeGreaterThan(10 * 1024);
    expect((await second).length).toBeGreaterThan(10 * 1024);
    await renderer.close();
    await expect(renderer.render(sampleStats())).rejects.toBeInstanceOf(ChartWorkerError);
  });
});

describe('file locations for source and compiled builds', () => {
  it('finds the bundled fonts from src/ and from dist/src/', () => {
    const expected = `${packageRoot}assets/fonts`;
    expect(fontsDirectory(pathToFileURL(`${packageRoot}src/stats/fonts.ts`).href)).toBe(expected);
    expect(fontsDirectory(pathToFileURL(`${packageRoot}dist/src/stats/fonts.js`).href)).toBe(expected);
  });

  it('starts the compiled worker directly and the source worker through the tsx bootstrap', () => {
    const compiled = chartWorkerEntry(pathToFileURL(`${packageRoot}dist/src/stats/worker-pool.js`).href);
    expect(fileURLToPath(compiled.file)).toBe(`${packageRoot}dist/src/stats/chart-worker.js`);
    expect(compiled.workerData).toBeUndefined();
    const source = chartWorkerEntry(pathToFileURL(`${packageRoot}src/stats/worker-pool.ts`).href);
    expect(fileURLToPath(source.file)).toBe(`${packageRoot}src/stats/dev-worker-bootstrap.mjs`);
    expect(source.workerData?.entry).toBe(pathToFileURL(`${packageRoot}src/stats/chart-worker.ts`).href);
  });
});
