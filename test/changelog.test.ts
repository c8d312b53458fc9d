/**
 * CHANGELOG.md keeps [Unreleased] on top of its released versions, the latest release is the package's
 * version, and `/help` shows that release's highlights: commands/whats-new.ts is what `npm run whats-new`
 * makes of the changelog as it is now.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { whatsNewField } from '../commands/help.js';
import { WHATS_NEW } from '../commands/whats-new.js';
import { latestRelease, parseChangelog, whatsNewModule } from '../scripts/changelog.js';
import { REPO_ROOT } from './support/bot-process.js';

const changelogText = readFileSync(join(REPO_ROOT, 'CHANGELOG.md'), 'utf8');
const changelog = parseChangelog(changelogText);

describe('CHANGELOG.md', () => {
  it('has [Unreleased] first, then released versions with dates, newest first', () => {
    expect(changelog.unreleasedFirst).toBe(true);
    expect(changelog.releases.length).toBeGreaterThan(0);
    const rank = (version: string) => version.split('.').reduce((sum, part) => sum * 1_000 + Number(part), 0);
    const ranks = changelog.releases.map((r) => rank(r.version));
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    expect(new Set(ranks).size).toBe(ranks.length);
  });

  it('names the package version as its latest release, with highlights', () => {
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(latestRelease(changelog).version).toBe(pkg.version);
    expect(latestRelease(changelog).highlights.length).toBeGreaterThan(0);
  });

  it('is what commands/whats-new.ts says (run `npm run whats-new` after a release)', () => {
    expect(WHATS_NEW).toEqual(latestRelease(changelog));
    expect(readFileSync(join(REPO_ROOT, 'commands/whats-new.ts'), 'utf8')).toBe(whatsNewModule(latestRelease(changelog)));
  });

  it('reads highlights that wrap over several lines, and refuses a release heading without a date', () => {
    const parsed = parseChangelog('# Changelog\n\n## [Unreleased]\n\n### Added\n- soon\n\n## [1.2.0] - 2027-01-02\n\n### Highlights\n- One\n  continued.\n- Two\n\n### Fixed\n- not a highlight\n\n## [1.1.0] - 2026-12-24\n');
    expect(parsed.releases).toEqual([
      { version: '1.2.0', date: '2027-01-02', highlights: ['One continued.', 'Two'] },
      { version: '1.1.0', date: '2026-12-24', highlights: [] },
    ]);
    expect(() => parseChangelog('## [1.3.0]\n')).toThrow('must read "## [x.y.z] - YYYY-MM-DD"');
  });
});

describe("/help's what is new", () => {
  it('shows every highlight of the latest release as it reads in the changelog', () => {
    const field = whatsNewField();
    expect(field.name).toBe(`What's new in ${latestRelease(changelog).version}`);
    expect(field.value.split('\n')).toEqual(latestRelease(changelog).highlights.map((h) => `• ${h}`));
  });

  it('stays within an embed field, whole lines only', () => {
    const long = { version: '9.9.9', highlights: Array.from({ length: 40 }, (_, i) => `Highlight ${i} `.padEnd(60, 'x')) };
    const field = whatsNewField(long);
    expect(field.value.length).toBeLessThanOrEqual(1_024);
    expect(field.value.split('\n').every((line) => line.length === 62)).toBe(true);
  });
});
