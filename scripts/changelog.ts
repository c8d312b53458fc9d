/**
 * Reads CHANGELOG.md (Keep a Changelog): the [Unreleased] section, then each released version with its date
 * and its `### Highlights` — the few lines `/help` shows as what is new (commands/whats-new.ts).
 */
export interface Release {
  version: string;
  date: string;
  /** The bullets of `### Highlights`, each joined into one line, markdown kept. */
  highlights: string[];
}

export interface Changelog {
  /** Whether an `## [Unreleased]` section comes first, above every release. */
  unreleasedFirst: boolean;
  releases: Release[];
}

const HEADING = /^## \[([^\]]+)\](?: - (\d{4}-\d{2}-\d{2}))?\s*$/;

export function parseChangelog(text: string): Changelog {
  const releases: Release[] = [];
  const headings: string[] = [];
  let current: Release | undefined;
  let inHighlights = false;
  for (const line of text.split('\n')) {
    const heading = HEADING.exec(line);
    if (heading) {
      headings.push(heading[1]!);
      inHighlights = false;
      current = undefined;
      if (heading[1] !== 'Unreleased') {
        if (!/^\d+\.\d+\.\d+$/.test(heading[1]!) || !heading[2]) throw new Error(`CHANGELOG.md: "${line}" must read "## [x.y.z] - YYYY-MM-DD"`);
        current = { version: heading[1]!, date: heading[2], highlights: [] };
        releases.push(current);
      }
      continue;
    }
    if (line.startsWith('### ')) {
      inHighlights = current !== undefined && line.trim() === '### Highlights';
      continue;
    }
    if (!inHighlights || !current) continue;
    if (line.startsWith('- ')) current.highlights.push(line.slice(2).trim());
    else if (/^\s+\S/.test(line) && current.highlights.length > 0) current.highlights[current.highlights.length - 1] += ` ${line.trim()}`;
  }
  return { unreleasedFirst: headings[0] === 'Unreleased', releases };
}

/** The newest release: the first one after [Unreleased]. */
export function latestRelease(changelog: Changelog): Release {
  const latest = changelog.releases[0];
  if (!latest) throw new Error('CHANGELOG.md has no released version');
  return latest;
}

/** The source of commands/whats-new.ts for `release`. */
export function whatsNewModule(release: Release): string {
  return [
    '// Generated from CHANGELOG.md by `npm run whats-new`: do not edit. test/changelog.test.ts checks it is current.',
    '',
    "/** The latest released version and its highlights, as `/help` shows them. */",
    `export const WHATS_NEW = ${JSON.stringify(release, null, 2).replace(/"([a-z]+)":/g, '$1:')} as const;`,
    '',
  ].join('\n');
}
