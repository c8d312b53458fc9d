/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, after the default reporter,
 * so any tool reading the run's last lines gets the counts without parsing vitest's coloured summary.
 * With `TEST_TIMINGS=N` it first lists the N slowest files by their whole time in a worker (start-up,
 * import, hooks and tests), which is what the suite's wall time is made of.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of testModules) {
      let failedHere = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed += 1;
        else if (state === 'failed') failedHere += 1;
        else skipped += 1;
      }
      // A file that failed outside its tests (an import, a beforeAll) counts once, though its tests only show as skipped.
      failed += module.state() === 'failed' && failedHere === 0 ? 1 : failedHere;
    }
    const slowest = Number(process.env.TEST_TIMINGS ?? 0);
    if (slowest > 0) process.stdout.write(timings(testModules, slowest));
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}

function timings(testModules: readonly TestModule[], count: number): string {
  const rows = testModules.map((module) => {
    const d = module.diagnostic();
    const startup = d.environmentSetupDuration + d.prepareDuration + d.setupDuration;
    return { name: module.moduleId.replace(`${process.cwd()}/`, ''), total: startup + d.collectDuration + d.duration, startup, collect: d.collectDuration, run: d.duration };
  });
  const total = rows.reduce((sum, row) => sum + row.total, 0);
  const seconds = (ms: number) => (ms / 1000).toFixed(1).padStart(6);
  const lines = rows
    .sort((a, b) => b.total - a.total)
    .slice(0, count)
    .map((row) => `${seconds(row.total)} s  (start ${seconds(row.startup)}, import ${seconds(row.collect)}, run ${seconds(row.run)})  ${row.name}`);
  return `\nslowest files (sum over all ${rows.length} files: ${(total / 1000).toFixed(0)} s)\n${lines.join('\n')}\n`;
}
