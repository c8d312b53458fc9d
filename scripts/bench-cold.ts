/**
 * Cold-cache costs of the built bot: for each command, a bot started on an empty Redis (only the
 * guild's binding) runs /ping once (so the process itself is warm), then the command as the first
 * one of its user — latency and Valentina calls — and then the same command again (warm).
 * The fake Valentina answers with 20–40 ms of latency, its rate limit off.
 *
 *   npm run build && npx tsx scripts/bench-cold.ts
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../packages/sandbox/src/redis-server.js';
import { SCENARIOS, scenario, sendAndSee, startStack, type Stack } from './bench-stack.js';
import { commandRequests } from './bench-valentina.js';
import { printTable, REPO_ROOT, startBotProcess, stopProcess } from './bench-utils.js';

const BOT_TOKEN = 'bench-cold-token';
const APPLICATION_ID = '1180000000000000004';
/** Calls the bot makes in the background after answering (cache fills) are counted for this long. */
const SETTLE_MS = 500;

async function costOf(stack: Stack, name: string, i: number): Promise<{ ms: number; calls: number }> {
  const before = stack.fake.requests.length;
  const { ms } = await sendAndSee(stack, scenario(name), i);
  await sleep(SETTLE_MS);
  return { ms, calls: commandRequests(stack.fake, before).length };
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO_ROOT, 'dist/src/main.js'))) throw new Error('dist/src/main.js is missing: run `npm run build` first');
  const stack = await startStack({ botToken: BOT_TOKEN, applicationId: APPLICATION_ID, redisPrefix: 'bench-cold' });
  const rows: string[][] = [];
  try {
    const names = SCENARIOS.filter((s) => s.kind !== 'local').map((s) => s.name);
    for (const [i, name] of names.entries()) {
      const prefix = `bench-cold-${i}`;
      await stack.bind(prefix);
      const registered = () => stack.sim.commands({ guildId: stack.guild.id }).some((c) => c.name === 'stats');
      const bot = await startBotProcess(stack.sim, [join(REPO_ROOT, 'dist/src/main.js')], stack.botEnv(await freePort(), 0, prefix), registered);
      try {
        await sendAndSee(stack, scenario('/ping'), 0);
        const cold = await costOf(stack, name, 0);
        const warm = await costOf(stack, name, 1);
        rows.push([name, `${cold.ms.toFixed(1)} ms`, String(cold.calls), `${warm.ms.toFixed(1)} ms`, String(warm.calls)]);
      } finally {
        await stopProcess(bot);
      }
    }
    printTable(
      `Cold cache: the first command of a user on an empty Redis, then the same again (Valentina calls include background ones within ${SETTLE_MS} ms)`,
      ['scenario', 'cold latency', 'cold Valentina calls', 'then warm latency', 'warm Valentina calls'],
      rows,
    );
    if (stack.sim.violations.length > 0) console.warn('simulator violations:', stack.sim.violations.slice(0, 3));
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
