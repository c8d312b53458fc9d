/**
 * The chart's bundled font. Slim container images have no system fonts at all, so the renderer ships
 * Inter (SIL OFL 1.1, see assets/fonts/Inter-OFL.txt) and registers it once per thread.
 *
 * The files live in `<package root>/assets/fonts`. This module runs from `src/stats` (tsx, tests) and
 * from `dist/src/stats` (compiled), so instead of a fixed relative path it walks up from its own
 * location to the first folder holding both `package.json` and the fonts.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GlobalFonts } from '@napi-rs/canvas';

/** Family name the chart draws with. */
export const CHART_FONT_FAMILY = 'Valentina Chart Sans';

const FONT_FILES = ['Inter_400Regular.ttf', 'Inter_600SemiBold.ttf'] as const;

export class ChartFontError extends Error {
  override name = 'ChartFontError';
}

/** The `assets/fonts` folder of the package this module belongs to. */
export function fontsDirectory(from: string = import.meta.url): string {
  let dir = dirname(fileURLToPath(from));
  for (;;) {
    const candidate = join(dir, 'assets', 'fonts');
    if (existsSync(join(dir, 'package.json')) && existsSync(join(candidate, FONT_FILES[0]))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new ChartFontError(`Chart fonts (assets/fonts/${FONT_FILES[0]}) not found above ${fileURLToPath(from)}`);
    dir = parent;
  }
}

/** Registers the bundled font under CHART_FONT_FAMILY (idempotent: Skia's font registry is the thread's own). */
export function ensureChartFont(): void {
  if (GlobalFonts.has(CHART_FONT_FAMILY)) return;
  const dir = fontsDirectory();
  for (const file of FONT_FILES) {
    const key = GlobalFonts.registerFromPath(join(dir, file), CHART_FONT_FAMILY);
    if (key == null) throw new ChartFontError(`Could not load chart font ${join(dir, file)}`);
  }
}
