/**
 * Vitest global setup: the end-to-end tests run the built bot (`node dist/src/main.js`), so a `dist/`
 * older than the source would test yesterday's bot. When any file the build compiles is newer than the
 * build (or there is none), `npm run build` runs first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');
const ENTRY = join(ROOT, 'dist/src/main.js');
const SOURCES = ['src', 'commands', 'scripts/deploy-commands.ts', 'tsconfig.json', 'tsconfig.build.json'];

function newestChange(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((newest, name) => Math.max(newest, newestChange(join(path, name))), stat.mtimeMs);
}

export function setup(): void {
  const built = existsSync(ENTRY) ? statSync(ENTRY).mtimeMs : 0;
  const changed = Math.max(...SOURCES.map((source) => join(ROOT, source)).filter(existsSync).map(newestChange));
  if (changed <= built) return;
  console.log(built === 0 ? 'dist/ is missing: building the bot first' : 'the source changed since the last build: building the bot first');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
}
