import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { fitText } from '../../src/stats/draw.js';
import { ensureChartFont, CHART_FONT_FAMILY } from '../../src/stats/fonts.js';
import {
  CHART_HEIGHT,
  CHART_THEME,
  CHART_WIDTH,
  EmptyStatisticsError,
  OUTCOME_COLOURS,
  renderStatsChart,
} from '../../src/stats/index.js';
import type { StatsChartInput } from '../../src/stats/index.js';
import { emptyStats, manyTraits, sampleStats } from './fixtures.js';

async function decode(png: Buffer) {
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const { data } = ctx.getImageData(0, 0, image.width, image.height);
  const pixel = (x: number, y: number): number => {
    const i = (y * image.width + x) * 4;
    return ((data[i] ?? 0) << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0);
  };
  const countColour = (colour: number): number => {
    let n = 0;
    for (let y = 0; y < image.height; y += 2) for (let x = 0; x < image.width; x += 2) if (pixel(x, y) === colour) n += 1;
    return n;
  };
  return { width: image.width, height: image.height, pixel, countColour };
}

const hex = (colour: string) => Number.parseInt(colour.slice(1), 16);

async function renderAndDecode(input: StatsChartInput) {
  const png = await renderStatsChart(input);
  expect(png.length).toBeGreaterThan(10 * 1024);
  expect(png.length).toBeLessThan(1024 * 1024);
  return { png, image: await decode(png) };
}

describe('renderStatsChart', () => {
  it('produces a 1000×500 PNG of sane size', async () => {
    const { png, image } = await renderAndDecode(sampleStats());
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect([image.width, image.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
  });

  it('paints the dark background and every outcome that happened in its colour', async () => {
    const { image } = await renderAndDecode(sampleStats());
    for (const [x, y] of [[2, 2], [CHART_WIDTH - 3, CHART_HEIGHT - 3], [CHART_WIDTH / 2, CHART_HEIGHT - 5]] as const) {
      expect(image.pixel(x, y)).toBe(hex(CHART_THEME.background));
    }
    for (const colour of [OUTCOME_COLOURS.critical, OUTCOME_COLOURS.success, OUTCOME_COLOURS.failure, OUTCOME_COLOURS.botch]) {
      expect(image.countColour(colour)).toBeGreaterThan(50);
    }
    expect(image.countColour(OUTCOME_COLOURS.other)).toBe(0);
    expect(image.countColour(hex(CHART_THEME.traitBar))).toBeGreaterThan(200);
  });

  it('fills the whole donut with the only outcome and shows "other" when rolls are unclassified', async () => {
    const allBotches = sampleStats({ criticals: 0, successes: 0, failures: 0, botches: 4, total_rolls: 4 });
    const { image } = await renderAndDecode(allBotches);
    const botch = image.countColour(OUTCOME_COLOURS.botch);
    expect(image.countColour(OUTCOME_COLOURS.success)).toBeLessThan(botch / 50); // legend swatch only
    const withOther = await renderAndDecode(sampleStats({ total_rolls: 40 }));
    expect(withOther.image.countColour(OUTCOME_COLOURS.other)).toBeGreaterThan(50);
  });

  it('gives different images for different statistics', async () => {
    const a = await renderStatsChart(sampleStats());
    const b = await renderStatsChart(sampleStats({ successes: 4, failures: 15 }));
    const c = await renderStatsChart(sampleStats({ title: 'Bastien — 24 rolls' }));
    expect(a.equals(b)).toBe(false);
    expect(a.equals(c)).toBe(false);
    expect(a.equals(await renderStatsChart(sampleStats()))).toBe(true);
  });

  it('refuses statistics without rolls with a typed error', async () => {
    await expect(renderStatsChart(emptyStats())).rejects.toBeInstanceOf(EmptyStatisticsError);
  });

  it('rejects malformed input instead of drawing it', async () => {
    await expect(renderStatsChart(sampleStats({ successes: 1.5 }))).rejects.toThrow();
  });

  it('draws 25 traits, no traits and very long names', async () => {
    const longName = 'Blood Sorcery: Theban Sorcery and the Many Rituals of the Tremere Chantry of Chicago';
    const many = await renderAndDecode(sampleStats({ top_traits: manyTraits(25) }));
    const none = await renderAndDecode(sampleStats({ top_traits: [] }));
    const long = await renderAndDecode(sampleStats({ title: `${longName} — 24 rolls`, subtitle: longName, top_traits: [{ name: longName, usage_count: 3 }] }));
    const bars = (image: Awaited<ReturnType<typeof decode>>) => image.countColour(hex(CHART_THEME.traitBar));
    expect(bars(none.image)).toBe(0);
    expect(bars(many.image)).toBeGreaterThan(bars(long.image));
    // Nothing spills over the right edge: the outer margin keeps the background colour.
    for (let y = 0; y < CHART_HEIGHT; y += 5) expect(long.image.pixel(CHART_WIDTH - 8, y)).toBe(hex(CHART_THEME.background));
  });
});

describe('fitText', () => {
  it('ellipsises text wider than the room and keeps short text as is', () => {
    ensureChartFont();
    const ctx = createCanvas(10, 10).getContext('2d');
    ctx.font = `400 18px "${CHART_FONT_FAMILY}"`;
    expect(fitText(ctx, 'Wits', 170)).toBe('Wits');
    const fitted = fitText(ctx, 'Intimidation and a very long name indeed', 170);
    expect(fitted.endsWith('…')).toBe(true);
    expect(fitted.startsWith('Intimidation')).toBe(true);
    expect(ctx.measureText(fitted).width).toBeLessThanOrEqual(170);
  });

  it('measures real glyphs of the bundled font (not missing-glyph boxes)', () => {
    ensureChartFont();
    const ctx = createCanvas(10, 10).getContext('2d');
    ctx.font = `400 40px "${CHART_FONT_FAMILY}"`;
    // Proportional font: a narrow and a wide letter differ; tofu boxes would all be the same width.
    expect(ctx.measureText('iiii').width).toBeLessThan(ctx.measureText('WWWW').width / 2);
    expect(ctx.measureText('Москва Αθήνα').width).toBeGreaterThan(0);
  });
});
