import { defineConfig } from 'vitest/config';

/**
 * Two projects, one run: unit and integration tests (everything outside test/e2e), and the end-to-end
 * tests. Unit files share their workers (`isolate: false`): each worker imports discord.js, undici and
 * the sources once instead of once per file, which halves the unit files' CPU time. No unit file mocks
 * modules or leaves a global changed; one that sets undici's process-wide dispatcher puts it back.
 * End-to-end files keep a fresh worker each. `npm run test:unit` / `test:e2e` pick one side by path, as before.
 */
export default defineConfig({
  test: {
    globalSetup: ['test/setup/fresh-build.ts', 'test/setup/global-redis.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // One file per core. More at once would overlap the end-to-end files' waits, but on a machine shared with
    // other runs it adds contention where Discord's 3 s deadline is already tight.
    maxWorkers: Number(process.env.TEST_WORKERS ?? 2),
    reporters: ['default', './test/setup/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', isolate: false, include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], setupFiles: ['test/setup/bot-logs.ts'] } },
    ],
  },
});
