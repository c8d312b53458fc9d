/**
 * `npm run bench`: builds the bot, runs every benchmark script one after the other (their own tables
 * are shown as they run), then prints one summary table of their headline figures. Each script stands
 * alone too (see scripts/bench-*.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { printTable } from './bench-utils.js';

const ROOT = join(import.meta.dirname, '..');
const RUNS: Array<{ title: string; script: string; args: string[] }> = [
  { title: 'Valentina client overhead', script: 'scripts/bench-client.ts', args: ['--n', '2000'] },
  { title: 'Interactions vs the bare pong bot', script: 'scripts/bench-interactions.ts', args: ['--n', '1000', '--concurrency', '16'] },
  { title: 'Memory and queue latency', script: 'scripts/bench-memory.ts', args: ['--warmup', '2000', '--n', '10000', '--deliveries', '200'] },
  { title: 'Statistics chart rendering', script: 'scripts/bench-chart.ts', args: [] },
  { title: 'Approval requests through the queue', script: 'scripts/bench-approvals.ts', args: ['--n', '300'] },
  { title: 'Notes by DM', script: 'scripts/bench-notes.ts', args: ['--n', '30', '--quiet', '4000,250'] },
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

const SUMMARY_HEADER = ['figure', 'value', 'vs pong bot', 'Valentina calls (warm)', 'upstream wait p99', 'goal: p99 ≤ 2 × pong p99 + upstream wait'];

function summarise(outputs: Map<string, string>): string[][] {
  const rows: string[][] = [];
  const interactions = outputs.get('scripts/bench-interactions.ts') ?? '';
  const measured = tableRows(interactions, 'Injection → initial response');
  const upstream = tableRows(interactions, 'Valentina per interaction');
  // The pong bot only answers /ping: every command is compared with its /ping in the same mode.
  const pong = (mode: string) => measured.find((r) => r[0] === 'pong-bot' && r[1] === '/ping' && r[2] === mode);
  const ms = (cell: string | undefined) => parseFloat(cell ?? '');
  const ratio = (a: string | undefined, b: string | undefined) => (ms(a) / ms(b)).toFixed(2);
  for (const [target, scenario, mode, p50, p99, perSecond] of measured) {
    if (target !== 'bot' || !mode) continue;
    const base = pong(mode);
    const vsPong = base ? `p50 ${ratio(p50, base[3])}× · p99 ${ratio(p99, base[4])}× · throughput ${ratio(perSecond, base[5])}×` : '';
    const valentina = upstream.find((r) => r[0] === scenario && r[1] === mode);
    let goal = '';
    if (base && valentina) {
      const bound = 2 * ms(base[4]) + ms(valentina[4]);
      goal = `${ms(p99) <= bound ? '✓ within' : '✗ over'} (≤ ${bound.toFixed(1)} ms)`;
    }
    rows.push([`${scenario} (${mode})`, `p50 ${p50} · p99 ${p99} · ${perSecond}/s`, vsPong, valentina?.[2] ?? '', valentina?.[4] ?? '', goal]);
  }
  for (const [figure, value, goal] of tableRows(outputs.get('scripts/bench-memory.ts') ?? '', 'Bot process memory')) {
    rows.push([figure!, value!, '', '', '', goal ?? '']);
  }
  const client = /ratio client\/bare: (.*)/.exec(outputs.get('scripts/bench-client.ts') ?? '')?.[1];
  if (client) rows.push(['Valentina client vs bare HTTP', client, '', '', '', '']);
  const chart = /Drawing alone[^:]*: (.*)/.exec(outputs.get('scripts/bench-chart.ts') ?? '')?.[1];
  if (chart) rows.push(['stats chart drawing', chart, '', '', '', '']);
  const approvals = new Map(tableRows(outputs.get('scripts/bench-approvals.ts') ?? '', 'Approval requests:').map(([metric, value]) => [metric, value]));
  if (approvals.size > 0) {
    const burst = `p50 ${approvals.get('enqueue → posted p50')} · p99 ${approvals.get('enqueue → posted p99')} · ${approvals.get('throughput')}`;
    rows.push(['approval request, enqueue → posted (burst)', burst, '', '', '', '']);
    rows.push(['approval request, enqueue → posted (one at a time, 20/s)', `p50 ${approvals.get('one at a time p50 (100 requests, 20/s)')} · p99 ${approvals.get('one at a time p99 (100 requests, 20/s)')}`, '', '', '', '']);
  }
  for (const [quiet, , reaction, confirmation] of tableRows(outputs.get('scripts/bench-notes.ts') ?? '', 'Notes by DM')) {
    rows.push([`note by DM, quiet gap ${quiet}`, `DM → 📝 ${reaction} · DM → confirmation ${confirmation}`, '', '', '', '']);
  }
  return rows;
}

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
printTable(
  'Summary (latency from injection to the initial response; × = bot ÷ pong bot answering /ping in the same mode; upstream wait = the warm Valentina requests replayed by a bare undici client)',
  SUMMARY_HEADER,
  summarise(outputs),
);
for (const failure of failed) console.error(failure);
process.exit(failed.length === 0 ? 0 : 1);
