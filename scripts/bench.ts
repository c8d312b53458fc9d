/**
 * `npm run bench`: builds the bot, runs every benchmark script one after the other (their own tables
 * are shown as they run), then prints one summary table of their headline figures — figures and
 * ratios only, nothing is asserted. Each script stands alone too (see scripts/bench-*.ts). Takes
 * about twelve minutes on two cores; run it on a quiet machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { printTable } from './bench-utils.js';

const ROOT = join(import.meta.dirname, '..');
const RUNS: Array<{ title: string; script: string; args: string[] }> = [
  { title: 'Valentina client overhead', script: 'scripts/bench-client.ts', args: ['--n', '2000'] },
  { title: 'Interactions vs the bare pong bot', script: 'scripts/bench-interactions.ts', args: ['--n', '100', '--concurrency', '16', '--reps', '5'] },
  { title: 'Cold cache', script: 'scripts/bench-cold.ts', args: [] },
  { title: "A burst under Valentina's live rate limit", script: 'scripts/bench-rate-limit.ts', args: ['--n', '60', '--wait', '30'] },
  { title: 'Memory and queue latency', script: 'scripts/bench-memory.ts', args: ['--warmup', '1000', '--n', '5000', '--deliveries', '200'] },
  { title: 'Statistics chart rendering', script: 'scripts/bench-chart.ts', args: [] },
  { title: 'Approval requests through the queue', script: 'scripts/bench-approvals.ts', args: ['--n', '300'] },
  { title: 'Notes by DM', script: 'scripts/bench-notes.ts', args: ['--n', '15', '--quiet', '4000,250'] },
  { title: "A session award of 30 members under Valentina's live rate limit", script: 'scripts/bench-session.ts', args: ['--n', '30'] },
];

/** Runs a script, echoing its output, and resolves with its exit code and output. */
function run(script: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The rows of the table printed under `title` (see printTable), as cells. */
function tableRows(output: string, title: string): string[][] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => line.trim() === title || line.trim().startsWith(title));
  if (start < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(start + 3)) {
    if (!line.startsWith('|')) break;
    rows.push(line.split('|').slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

const SUMMARY_HEADER = ['figure', 'value', 'p99 ÷ pong bot p99', 'Valentina calls (goal)', 'p99 ÷ (pong bot + upstream) p99, goal ≤ 2'];

function summarise(outputs: Map<string, string>): string[][] {
  const rows: string[][] = [];
  const output = (script: string) => outputs.get(`scripts/${script}`) ?? '';
  const p99 = new Map(
    tableRows(output('bench-interactions.ts'), 'Injection → answer').filter((r) => r[0] === 'bot').map((r) => [`${r[1]} (${r[2]})`, r[4] ?? '']),
  );
  for (const [scenario, mode, , raw, calls, goalCalls, , net, met] of tableRows(output('bench-interactions.ts'), 'Bot ÷ pong bot')) {
    const name = `${scenario} (${mode})`;
    rows.push([name, `p99 ${p99.get(name) ?? '?'} ms`, raw ?? '', goalCalls ? `${calls} (${goalCalls})` : (calls ?? ''), `${net} ${met}`]);
  }
  for (const [scenario, coldMs, coldCalls, warmMs, warmCalls] of tableRows(output('bench-cold.ts'), 'Cold cache')) {
    rows.push([`cold cache: ${scenario}`, `${coldMs} (then ${warmMs} warm)`, '', `${coldCalls} cold, ${warmCalls} warm`, '']);
  }
  for (const [figure, value] of tableRows(output('bench-rate-limit.ts'), 'Burst of')) {
    rows.push([`live limit burst: ${figure}`, value ?? '', '', '', '']);
  }
  for (const [figure, value] of tableRows(output('bench-memory.ts'), 'Bot process memory')) {
    rows.push([figure!, value ?? '', '', '', '']);
  }
  const client = /ratio client\/bare: (.*)/.exec(output('bench-client.ts'))?.[1];
  if (client) rows.push(['Valentina client vs bare HTTP', client, '', '', '']);
  const chart = /Drawing alone[^:]*: (.*)/.exec(output('bench-chart.ts'))?.[1];
  if (chart) rows.push(['stats chart drawing', chart, '', '', '']);
  const approvals = new Map(tableRows(output('bench-approvals.ts'), 'Approval requests:').map(([metric, value]) => [metric, value]));
  if (approvals.size > 0) {
    const burst = `p50 ${approvals.get('enqueue → in the channel p50')} · p99 ${approvals.get('enqueue → in the channel p99')} · ${approvals.get('throughput')}`;
    rows.push(['approval request, enqueue → in the channel (burst)', burst, '', '', '']);
    const single = `p50 ${approvals.get('one at a time p50 (100 requests, 20/s)')} · p99 ${approvals.get('one at a time p99 (100 requests, 20/s)')}`;
    rows.push(['approval request, enqueue → in the channel (one at a time, 20/s)', single, '', '', '']);
  }
  for (const [quiet, , reaction, confirmation] of tableRows(output('bench-notes.ts'), 'Notes by DM')) {
    rows.push([`note by DM, quiet gap ${quiet}`, `DM → 📝 ${reaction} · DM → confirmation ${confirmation}`, '', '', '']);
  }
  const session = new Map(tableRows(output('bench-session.ts'), 'Session award of').map(([figure, value]) => [figure, value]));
  if (session.size > 0) {
    const figure = `${session.get('total, command → summary')} · ${session.get('Valentina requests')} · 429s: ${session.get('answered 429 by Valentina')}`;
    rows.push(['session award of 30 members, live limit', figure, '', '', '']);
  }
  return rows;
}

const benchStarted = performance.now();
const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
if (build.status !== 0) {
  if (!existsSync(join(ROOT, 'dist/src/main.js'))) process.exit(1);
  console.warn('npm run build failed: benchmarking the existing dist/ build');
}
const outputs = new Map<string, string>();
const failed: string[] = [];
for (const { title, script, args } of RUNS) {
  if (!existsSync(join(ROOT, script))) continue;
  console.log(`\n=== ${title} (${script}) ===`);
  const { code, output } = await run(script, args);
  outputs.set(script, output);
  if (code !== 0) failed.push(`${script} exited with ${code}`);
}
const load = loadavg()[0] ?? 0;
printTable(
  `Summary (medians over the repetitions; floor = the bare pong bot, /ping for commands, its autocomplete for autocompletes; upstream = the warm Valentina requests replayed alone; ${((performance.now() - benchStarted) / 60_000).toFixed(1)} min, load average at the end ${load.toFixed(2)})`,
  SUMMARY_HEADER,
  summarise(outputs),
);
if (load > 1.5) console.warn(`The load average is ${load.toFixed(2)} on ${cpus().length} cores: other work ran meanwhile, so these figures are not for publishing.`);
for (const failure of failed) console.error(failure);
process.exit(failed.length === 0 ? 0 : 1);
