// Installs the locked dependencies (npm ci) when they are missing, so `npm run demo` and `npm test`
// work on a fresh clone. Plain JavaScript: TypeScript itself is one of the dependencies it may install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  console.error('First run: installing the locked dependencies (npm ci)…');
  const installed = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (installed.status !== 0) {
    console.error('npm ci failed; see the messages above.');
    process.exit(installed.status ?? 1);
  }
}
