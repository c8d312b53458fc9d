/**
 * The local sandbox: `npm run demo` opens an interactive terminal, `npm run demo -- --tour` plays the
 * scripted tour and exits. Everything runs on loopback; no Discord, Valentina or credentials needed.
 */
import { createInterface } from 'node:readline/promises';
import { RedisServerMissingError } from '../packages/sandbox/src/redis-server.js';
import { startSandbox, type Sandbox } from '../packages/sandbox/src/demo/sandbox.js';
import { DemoSession, HELP_TEXT } from '../packages/sandbox/src/demo/session.js';
import { runTour } from '../packages/sandbox/src/demo/tour.js';

const tour = process.argv.includes('--tour');
const print = (text: string) => process.stdout.write(`${text}\n`);

async function interactive(sandbox: Sandbox): Promise<void> {
  print(`\nThe sandbox is ready: the server "Chicago by Night" is set up, and you are mara.\n${HELP_TEXT}\n`);
  const session = new DemoSession(sandbox, print);
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (;;) {
      const line = await rl.question(`${session.person}> `).catch(() => 'quit');
      if (!(await session.run(line))) break;
    }
  } finally {
    rl.close();
  }
}

async function main(): Promise<number> {
  let sandbox: Sandbox;
  try {
    sandbox = await startSandbox((line) => print(line));
  } catch (error) {
    if (error instanceof RedisServerMissingError) {
      console.error(error.message);
      return 1;
    }
    throw error;
  }
  print(`Sandbox running (bot logs: ${sandbox.logFile}).`);
  try {
    if (tour) await runTour(sandbox, print);
    else await interactive(sandbox);
  } finally {
    await sandbox.close();
  }
  return 0;
}

process.exitCode = await main();
