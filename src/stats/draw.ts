/**
 * Draws the statistics chart: title and averages on top, the outcome donut with its legend on the
 * left, the most rolled traits as horizontal bars on the right. Sized for Discord's inline preview
 * (1000×500, shown at roughly half size), colours tuned for Discord's dark theme.
 */
import { createCanvas } from '@napi-rs/canvas';
import type { SKRSContext2D } from '@napi-rs/canvas';
import { CHART_FONT_FAMILY, ensureChartFont } from './fonts.js';
import { OUTCOME_COLOURS, averagesLine, cssColour, outcomeSlices, traitRows } from './model.js';
import type { OutcomeSlice } from './model.js';
import type { StatsChartInput } from './schema.js';

export const CHART_WIDTH = 1000;
export const CHART_HEIGHT = 500;
/** Trait bars drawn at most; further traits are summarised as "top N of M". */
export const MAX_TRAIT_ROWS = 8;

export const CHART_THEME = {
  background: '#1e1f22',
  panel: '#2b2d31',
  title: '#f2f3f5',
  text: '#dbdee1',
  muted: '#949ba4',
  traitBar: '#8c95f7',
  track: '#383a40',
} as const;

const PAD = 24;
const PANEL_TOP = 112;
const PANEL_BOTTOM = CHART_HEIGHT - PAD;
const SPLIT = 476;

type Ctx = SKRSContext2D;

function font(size: number, weight: 400 | 600 = 400): string {
  return `${weight} ${size}px "${CHART_FONT_FAMILY}"`;
}

/** `text` shortened with an ellipsis so it fits `maxWidth` at the context's current font. */
export function fitText(ctx: Ctx, text: string, maxWidth: number): string {
  if (ctx.measureText(text).width <= maxWidth) return text;
  const chars = Array.from(text);
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (ctx.measureText(`${chars.slice(0, mid).join('').trimEnd()}…`).width <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return `${chars.slice(0, lo).join('').trimEnd()}…`;
}

/** Draws the chart synchronously and returns the canvas, ready to encode. */
export function drawStatsChart(input: StatsChartInput) {
  ensureChartFont();
  const canvas = createCanvas(CHART_WIDTH, CHART_HEIGHT);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = CHART_THEME.background;
  ctx.fillRect(0, 0, CHART_WIDTH, CHART_HEIGHT);
  drawHeader(ctx, input);
  panel(ctx, PAD, PANEL_TOP, SPLIT - PAD - 8, PANEL_BOTTOM - PANEL_TOP);
  panel(ctx, SPLIT + 8, PANEL_TOP, CHART_WIDTH - PAD - SPLIT - 8, PANEL_BOTTOM - PANEL_TOP);
  drawOutcomes(ctx, input, PAD, PANEL_TOP);
  drawTraits(ctx, input, SPLIT + 8, PANEL_TOP, CHART_WIDTH - PAD - SPLIT - 8);
  return canvas;
}

function drawHeader(ctx: Ctx, input: StatsChartInput): void {
  const width = CHART_WIDTH - 2 * PAD - 8;
  ctx.textBaseline = 'alphabetic';
  ctx.textAlign = 'left';
  ctx.fillStyle = CHART_THEME.title;
  ctx.font = font(34, 600);
  const subtitle = [input.subtitle?.trim(), averagesLine(input)].filter((s): s is string => !!s).join('  ·  ');
  ctx.fillText(fitText(ctx, input.title, width), PAD + 4, subtitle ? 56 : 70);
  if (subtitle) {
    ctx.fillStyle = CHART_THEME.muted;
    ctx.font = font(20);
    ctx.fillText(fitText(ctx, subtitle, width), PAD + 4, 88);
  }
}

function panel(ctx: Ctx, x: number, y: number, w: number, h: number): void {
  ctx.fillStyle = CHART_THEME.panel;
  ctx.beginPath();
  ctx.roundRect(x, y, w, h, 14);
  ctx.fill();
}

function heading(ctx: Ctx, text: string, x: number, y: number): void {
  ctx.fillStyle = CHART_THEME.muted;
  ctx.font = font(16, 600);
  ctx.letterSpacing = '1px';
  ctx.textAlign = 'left';
  ctx.fillText(text.toUpperCase(), x, y);
  ctx.letterSpacing = '0px';
}

function drawOutcomes(ctx: Ctx, input: StatsChartInput, x: number, y: number): void {
  heading(ctx, 'Outcomes', x + 22, y + 34);
  const slices = outcomeSlices(input);
  const cx = x + 22 + 98;
  const cy = y + 52 + (PANEL_BOTTOM - y - 52) / 2;
  drawDonut(ctx, slices, cx, cy, 98, 62);

  ctx.textAlign = 'center';
  ctx.fillStyle = CHART_THEME.title;
  ctx.font = font(40, 600);
  ctx.fillText(String(input.total_rolls), cx, cy + 8);
  ctx.fillStyle = CHART_THEME.muted;
  ctx.font = font(17);
  ctx.fillText(input.total_rolls === 1 ? 'roll' : 'rolls', cx, cy + 32);

  drawLegend(ctx, slices, x + 240, y + 62, SPLIT - PAD - 8 - 240 - 22);
}

function drawDonut(ctx: Ctx, slices: OutcomeSlice[], cx: number, cy: number, outer: number, inner: number): void {
  ctx.fillStyle = CHART_THEME.track;
  ring(ctx, cx, cy, outer, inner, 0, Math.PI * 2);
  const drawn = slices.filter((s) => s.count > 0);
  const gap = drawn.length > 1 ? 0.025 : 0;
  let start = -Math.PI / 2;
  for (const slice of drawn) {
    const sweep = slice.share * Math.PI * 2;
    const a0 = start + gap / 2;
    const a1 = start + sweep - gap / 2;
    // Keep tiny shares visible as a sliver rather than vanishing into the gaps.
    ctx.fillStyle = cssColour(OUTCOME_COLOURS[slice.key]);
    ring(ctx, cx, cy, outer, inner, a0, Math.max(a1, a0 + 0.012));
    start += sweep;
  }
}

function ring(ctx: Ctx, cx: number, cy: number, outer: number, inner: number, a0: number, a1: number): void {
  ctx.beginPath();
  ctx.arc(cx, cy, outer, a0, a1);
  ctx.arc(cx, cy, inner, a1, a0, true);
  ctx.closePath();
  ctx.fill();
}

function drawLegend(ctx: Ctx, slices: OutcomeSlice[], x: number, y: number, width: number): void {
  const rowHeight = slices.length > 4 ? 56 : 66;
  const top = y + (5 - slices.length) * 14;
  slices.forEach((slice, i) => {
    const rowY = top + i * rowHeight;
    ctx.fillStyle = cssColour(OUTCOME_COLOURS[slice.key]);
    ctx.beginPath();
    ctx.roundRect(x, rowY + 4, 16, 16, 4);
    ctx.fill();

    ctx.textAlign = 'right';
    ctx.fillStyle = CHART_THEME.title;
    ctx.font = font(22, 600);
    ctx.fillText(slice.percentLabel, x + width, rowY + 21);
    const pctWidth = ctx.measureText(slice.percentLabel).width;

    ctx.textAlign = 'left';
    ctx.fillStyle = CHART_THEME.text;
    ctx.font = font(20, 600);
    ctx.fillText(fitText(ctx, slice.label, width - 28 - pctWidth - 8), x + 28, rowY + 20);
    ctx.fillStyle = CHART_THEME.muted;
    ctx.font = font(17);
    ctx.fillText(`${slice.count} ${slice.count === 1 ? 'roll' : 'rolls'}`, x + 28, rowY + 44);
  });
}

function drawTraits(ctx: Ctx, input: StatsChartInput, x: number, y: number, width: number): void {
  heading(ctx, 'Most rolled traits', x + 22, y + 34);
  const { rows, hidden, maxUsage } = traitRows(input.top_traits, MAX_TRAIT_ROWS);
  if (hidden > 0) {
    ctx.textAlign = 'right';
    ctx.fillStyle = CHART_THEME.muted;
    ctx.font = font(15);
    ctx.fillText(`top ${rows.length} of ${rows.length + hidden}`, x + width - 22, y + 34);
  }
  const areaTop = y + 54;
  const areaBottom = PANEL_BOTTOM - 14;
  if (rows.length === 0) {
    ctx.textAlign = 'center';
    ctx.fillStyle = CHART_THEME.muted;
    ctx.font = font(19);
    ctx.fillText('No traits recorded for these rolls', x + width / 2, (areaTop + areaBottom) / 2);
    return;
  }

  const rowHeight = Math.min(52, (areaBottom - areaTop) / Math.max(rows.length, 5));
  const nameX = x + 22;
  const nameWidth = 170;
  const barX = nameX + nameWidth + 14;
  ctx.font = font(18, 600);
  const countWidth = ctx.measureText(String(maxUsage)).width + 10;
  const barMax = x + width - 22 - countWidth - barX;
  const barHeight = Math.min(22, rowHeight - 12);

  rows.forEach((trait, i) => {
    const mid = areaTop + rowHeight * (i + 0.5);
    ctx.textAlign = 'left';
    ctx.textBaseline = 'middle';
    ctx.fillStyle = CHART_THEME.text;
    ctx.font = font(18);
    ctx.fillText(fitText(ctx, trait.name, nameWidth), nameX, mid);

    const length = maxUsage === 0 ? 0 : Math.max(4, (trait.usage_count / maxUsage) * barMax);
    ctx.fillStyle = CHART_THEME.track;
    ctx.beginPath();
    ctx.roundRect(barX, mid - barHeight / 2, barMax, barHeight, barHeight / 2);
    ctx.fill();
    if (length > 0) {
      ctx.fillStyle = CHART_THEME.traitBar;
      ctx.beginPath();
      ctx.roundRect(barX, mid - barHeight / 2, length, barHeight, barHeight / 2);
      ctx.fill();
    }
    ctx.fillStyle = CHART_THEME.title;
    ctx.font = font(18, 600);
    ctx.fillText(String(trait.usage_count), barX + barMax + 10, mid);
  });
  ctx.textBaseline = 'alphabetic';
}
