/** `npm run whats-new`: writes commands/whats-new.ts from the latest release in CHANGELOG.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { latestRelease, parseChangelog, whatsNewModule } from './changelog.js';

const root = resolve(import.meta.dirname, '..');
const release = latestRelease(parseChangelog(readFileSync(join(root, 'CHANGELOG.md'), 'utf8')));
writeFileSync(join(root, 'commands/whats-new.ts'), whatsNewModule(release));
console.log(`commands/whats-new.ts: ${release.version} (${release.date}), ${release.highlights.length} highlights`);
