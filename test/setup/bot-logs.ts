/**
 * End-to-end setup file: when a test fails, the logs of every bot process its file started are written to
 * `test-results/bot-logs/` (the harness keeps them only in memory) and the path is printed with the last
 * lines, so a failure in a long or loaded run can be read afterwards. Nothing is written for a passing test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach } from 'vitest';
import { ChildBot, REPO_ROOT } from '../support/bot-process.js';

const DIR = join(REPO_ROOT, 'test-results', 'bot-logs');
const TAIL_LINES = 15;

afterEach(({ task }) => {
  if (task.result?.state !== 'fail' || ChildBot.started.size === 0) return;
  const name = `${basename(task.file.name, '.test.ts')}--${task.name}`.replace(/[^\w.-]+/g, '-').slice(0, 120);
  const file = join(DIR, `${name}.log`);
  const sections = [...ChildBot.started].map((bot, index) => `=== bot ${index + 1} (${bot.label}, pid ${bot.pid ?? '-'}) ===\n${bot.logs.join('\n')}`);
  mkdirSync(DIR, { recursive: true });
  writeFileSync(file, `${sections.join('\n\n')}\n`);
  const tails = [...ChildBot.started].map((bot, index) => `--- bot ${index + 1} (${bot.label}), last lines ---\n${bot.logs.slice(-TAIL_LINES).join('\n') || '(no output)'}`);
  console.error(`bot logs of the failed test: ${file}\n${tails.join('\n')}`);
});
