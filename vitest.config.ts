import { defineConfig } from 'vitest/config';

/**
 * Two projects, one run: unit and integration tests (everything outside test/e2e), and the end-to-end
 * tests. Every file gets a fresh worker. Sharing workers between unit files (`isolate: false`) halves
 * their CPU time, but a shared module graph let one file's undici state break another's Discord upload
 * (an unhandled "action is not a function" in a loaded run), so isolation stays on until that is found.
 * `npm run test:unit` / `test:e2e` pick one side by path, as before.
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
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], setupFiles: ['test/setup/bot-logs.ts'] } },
    ],
  },
});
