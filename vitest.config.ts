import { defineConfig } from 'vitest/config';

/**
 * Two projects, one run. Unit and integration tests (everything outside test/e2e) share their worker
 * processes (`isolate: false`): each worker imports discord.js, BullMQ and the sandbox once instead of
 * once per file, which halves the suite's CPU time there. The end-to-end tests stay isolated, a fresh
 * worker per file: they spend their time waiting on the bot's child processes, not on imports.
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
    maxWorkers: 2,
    reporters: ['default', './test/setup/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**'], isolate: false } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
    ],
  },
});
