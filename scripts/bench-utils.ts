/** Small helpers shared by the benchmark scripts. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { DiscordSimulator } from '../packages/sandbox/src/discord-sim/index.js';

export { percentile } from './bench-stats.js';

export const REPO_ROOT = join(import.meta.dirname, '..');

export function printTable(title: string, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`\n${title}`);
  console.log(line(header));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

/**
 * Starts a bot process (`node <args>`) against the simulator and resolves once its gateway session is
 * up. `ready` adds target-specific conditions (e.g. commands registered).
 */
export async function startBotProcess(
  sim: DiscordSimulator,
  args: string[],
  env: Record<string, string>,
  ready: () => boolean = () => true,
): Promise<ChildProcess> {
  const identifies = sim.gateway.identifyCount;
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  while (!(sim.gateway.identifyCount > identifies && ready())) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with code ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error(`${args.join(' ')} did not connect within 30 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
  await sim.gateway.waitForReady({ timeoutMs: 30_000 });
  return child;
}

/** SIGTERM, then the exit code. */
export function stopProcess(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}
