/**
 * `npm run bench`: builds the bot, then runs every benchmark script one after the other and prints
 * their tables. Each script stands alone too (see scripts/bench-*.ts).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..');
const RUNS: Array<{ title: string; script: string; args: string[] }> = [
  { title: 'Valentina client overhead', script: 'scripts/bench-client.ts', args: ['--n', '2000'] },
  { title: 'Interactions vs the bare pong bot', script: 'scripts/bench-interactions.ts', args: ['--n', '300', '--concurrency', '16'] },
  { title: 'Statistics chart rendering', script: 'scripts/bench-chart.ts', args: [] },
];

function run(command: string, args: string[]): number {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  return result.status ?? 1;
}

let failed = 0;
if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
for (const { title, script, args } of RUNS) {
  console.log(`\n=== ${title} (${script}) ===`);
  const code = run(process.execPath, ['--import', 'tsx', script, ...args]);
  if (code !== 0) {
    console.error(`${script} exited with ${code}`);
    failed += 1;
  }
}
process.exit(failed === 0 ? 0 : 1);
