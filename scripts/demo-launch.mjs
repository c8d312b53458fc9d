// `npm run demo` on a fresh clone: installs the locked dependencies when they are missing (npm ci),
// then starts the sandbox (scripts/demo.ts) with the arguments given, e.g. `npm run demo -- --tour`.
// Plain JavaScript, because TypeScript itself is one of the dependencies it may have to install.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
if (!existsSync(join(root, 'node_modules', 'tsx', 'package.json'))) {
  console.error('First run: installing the dependencies (npm ci)…');
  const installed = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (installed.status !== 0) {
    console.error('npm ci failed; see the messages above.');
    process.exit(installed.status ?? 1);
  }
}
const demo = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'demo.ts'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
// The terminal sends Ctrl-C to both processes; the sandbox shuts itself down, and this one waits for it.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => demo.kill('SIGTERM'));
demo.once('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
