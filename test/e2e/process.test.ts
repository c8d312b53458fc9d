/** The bot as a process an orchestrator runs: it ends when told to, whatever became of its log pipe. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BOT_ENTRY } from '../support/bot-process.js';
import { redisUrl } from '../support/redis.js';

describe('the bot process', () => {
  it('exits when the pipe its logs go to was closed, instead of hanging on the last flush', async () => {
    const bot = spawn(process.execPath, [BOT_ENTRY], {
      env: {
        PATH: process.env.PATH ?? '',
        DISCORD_TOKEN: 'closed-pipe-token',
        DISCORD_CLIENT_ID: '1180000000000000021',
        DISCORD_CLIENT_SECRET: 'secret',
        PUBLIC_URL: 'https://bot.example.org',
        VALENTINA_API_KEY: 'key',
        // Nothing answers here: start-up fails at once, logs it and exits.
        DISCORD_API_URL: 'http://127.0.0.1:9',
        VALENTINA_API_URL: 'http://127.0.0.1:9',
        REDIS_URL: redisUrl(),
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        OPS_HTTP_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    onTestFinished(() => void bot.kill('SIGKILL'));
    const exited = once(bot, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    // The log reader goes away after the first line, as `… | head -1` or a crashed log shipper would.
    await once(bot.stdout, 'data');
    bot.stdout.destroy();
    const [code] = await exited;
    expect(code).toBe(1);
  });
});
