import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { DiscordSimulator } from '../../packages/sandbox/src/discord-sim/index.js';
import { APP_ID, BOT_TOKEN, startSim } from './harness.js';

let sim: DiscordSimulator | undefined;
let bot: ChildProcess | undefined;

afterEach(async () => {
  if (bot?.exitCode === null) {
    bot.kill('SIGTERM');
    await once(bot, 'exit');
  }
  await sim?.close();
});

describe('scripts/pong-bot.ts', () => {
  it('connects as a separate process, answers pong and autocompletes from its list, and exits on SIGTERM', { timeout: 120_000 }, async () => {
    sim = await startSim();
    const user = sim.addUser({ username: 'pat' });
    await fetch(`${sim.apiUrl}/v10/applications/${APP_ID}/commands`, {
      method: 'PUT',
      headers: { authorization: `Bot ${BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        { name: 'ping', description: 'Ping' },
        { name: 'pick', description: 'Pick', options: [{ type: 3, name: 'choice', description: 'Choice', autocomplete: true }] },
      ]),
    });
    bot = spawn(process.execPath, ['--import', 'tsx', 'scripts/pong-bot.ts'], {
      env: { ...process.env, DISCORD_TOKEN: BOT_TOKEN, DISCORD_API_URL: sim.apiUrl },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const stdout = bot.stdout;
    if (!stdout) throw new Error('no stdout');
    await new Promise<void>((resolve, reject) => {
      stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) resolve();
      });
      bot?.once('exit', (code) => reject(new Error(`pong-bot exited with ${code}`)));
    });
    const ix = await sim.slashCommand({ user, command: 'ping' });
    expect((await ix.reply()).content).toBe('pong');
    const choices = await sim.autocomplete({ user, command: 'pick', options: { choice: 'sh' }, focused: 'choice' });
    expect(choices.map((c) => c.name)).toEqual(['Shoot', 'Shadow']);
    bot.kill('SIGTERM');
    const [code] = (await once(bot, 'exit')) as [number | null];
    expect(code).toBe(0);
  });
});
