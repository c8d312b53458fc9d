/** What a log line holds when a call site logs a Discord REST error as it is (`{ err: error }`). */
import { PassThrough } from 'node:stream';
import { HTTPError } from '@discordjs/rest';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';

const TOKEN = 'aW50ZXJhY3Rpb246MTE4MDAwMDAwMDAwMDAwMDAwMTpzZWNyZXQ';

function capture(): { lines: () => string[]; logger: ReturnType<typeof createLogger> } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  return { logger: createLogger('debug', stream), lines: () => chunks.join('').split('\n').filter(Boolean) };
}

describe('the logger', () => {
  it('replaces the token of a Discord interaction or webhook URL in any logged error', async () => {
    const { logger, lines } = capture();
    const url = `https://discord.com/api/v10/webhooks/1180000000000000001/${TOKEN}/messages/@original`;
    const rest = new HTTPError(500, 'Internal Server Error', 'PATCH', url, { body: { content: 'hi' } });
    const wrapped = new Error(`while calling ${url.replace('webhooks', 'interactions')}`, { cause: rest });
    logger.debug({ err: rest }, 'rest failed');
    logger.warn({ err: wrapped }, 'wrapped');
    await new Promise((resolve) => setImmediate(resolve));

    expect(lines()).toHaveLength(2);
    for (const line of lines()) expect(line).not.toContain(TOKEN);
    const [first, second] = lines().map((line) => JSON.parse(line) as { err: { url?: string; message: string } });
    expect(first!.err.url).toBe('https://discord.com/api/v10/webhooks/1180000000000000001/[redacted]/messages/@original');
    expect(second!.err.message).toContain('while calling https://discord.com/api/v10/interactions/1180000000000000001/[redacted]/messages/@original');
  });

  it('censors secret fields by name', async () => {
    const { logger, lines } = capture();
    logger.info({ token: 'bot-token', apiKey: 'api-key', clientSecret: 'oauth-secret', code: 'oauth-code' }, 'settings');
    await new Promise((resolve) => setImmediate(resolve));
    for (const secret of ['bot-token', 'api-key', 'oauth-secret', 'oauth-code']) expect(lines()[0]).not.toContain(secret);
  });
});
