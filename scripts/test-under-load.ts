/**
 * Runs the whole suite several times in a row while other work keeps the machine's cores busy, and prints each
 * run's wall time, CPU time, load average and counts: the check that the suite stays green on a loaded machine
 * (a shared CI runner, a laptop building something else). Stops at the first failing run.
 *
 *   npm run test:under-load                     # 3 runs, 1 busy core beside them
 *   npm run test:under-load -- --runs 5 --hogs 2
 *
 * A "hog" is a process spinning on one core for as long as the runs last. The suite's own output goes to
 * `test-results/under-load/run-N.log`; the closing table is what to quote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';

const ROOT = resolve(import.meta.dirname, '..');
const LOG_DIR = join(ROOT, 'test-results', 'under-load');

const Args = z.object({
  runs: z.coerce.number().int().min(1).max(20),
  hogs: z.coerce.number().int().min(0).max(16),
});

interface RunResult {
  run: number;
  exitCode: number;
  wallS: number;
  cpuS: number | null;
  load: string;
  counts: string;
}

function startHog(): ChildProcess {
  return spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
}

/** One `vitest run` under /usr/bin/time when it is there, for the CPU time of the run and all its processes. */
async function runSuite(run: number): Promise<RunResult> {
  const logPath = join(LOG_DIR, `run-${run}.log`);
  const log = createWriteStream(logPath);
  const timeFile = join(LOG_DIR, `run-${run}.time`);
  const vitest = [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run'];
  const useTime = existsSync('/usr/bin/time');
  const [command, args] = useTime ? ['/usr/bin/time', ['-f', '%U %S', '-o', timeFile, process.execPath, ...vitest]] : [process.execPath, vitest];
  const started = performance.now();
  const output: string[] = [];
  const exitCode = await new Promise<number>((done) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        log.write(chunk);
        output.push(chunk.toString('utf8'));
      });
    }
    child.on('close', (code) => done(code ?? 1));
  });
  const wallS = (performance.now() - started) / 1000;
  log.end();
  const load = loadavg().map((n) => n.toFixed(1)).join(' ');
  const counts = /tests: \d+ passed, \d+ failed, \d+ skipped/.exec(output.join(''))?.[0] ?? '(no count: see the log)';
  let cpuS: number | null = null;
  if (useTime) {
    const [user, sys] = (await readFile(timeFile, 'utf8').catch(() => '')).trim().split(/\s+/).map(Number);
    if (Number.isFinite(user) && Number.isFinite(sys)) cpuS = user! + sys!;
  }
  return { run, exitCode, wallS, cpuS, load, counts };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, hogs: { type: 'string', default: '1' } } });
  const { runs, hogs } = Args.parse(values);
  mkdirSync(LOG_DIR, { recursive: true });
  console.log(`${runs} runs of the whole suite in a row, with ${hogs} busy core${hogs === 1 ? '' : 's'} beside them (logs: ${LOG_DIR})`);
  const hogProcesses = Array.from({ length: hogs }, startHog);
  const stopHogs = () => hogProcesses.forEach((hog) => hog.kill('SIGKILL'));
  process.on('exit', stopHogs);
  const results: RunResult[] = [];
  try {
    for (let run = 1; run <= runs; run++) {
      const result = await runSuite(run);
      results.push(result);
      console.log(
        `run ${run}: ${result.exitCode === 0 ? 'green' : `FAILED (exit ${result.exitCode})`}, ${result.wallS.toFixed(1)} s wall` +
          `${result.cpuS === null ? '' : `, ${result.cpuS.toFixed(0)} s CPU`}, load average ${result.load}, ${result.counts}`,
      );
      if (result.exitCode !== 0) break;
    }
  } finally {
    stopHogs();
  }
  const green = results.filter((r) => r.exitCode === 0).length;
  const walls = results.map((r) => r.wallS).sort((a, b) => a - b);
  const median = walls[Math.floor(walls.length / 2)] ?? 0;
  console.log(`\n${green} of ${runs} in a row green; wall min ${walls[0]?.toFixed(1)} s, median ${median.toFixed(1)} s, max ${walls.at(-1)?.toFixed(1)} s`);
  process.exitCode = green === runs ? 0 : 1;
}

await main();
