/**
 * Runs the fake Valentina API on its own, seeded with the standard fixture:
 *   tsx packages/sandbox/src/fake-valentina/standalone.ts [port]
 * Environment: FAKE_VALENTINA_PORT, FAKE_VALENTINA_HOST, FAKE_VALENTINA_API_KEY, FAKE_DISCORD_API_URL.
 */
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { startFakeValentina, type FakeValentina } from './index.js';

const envSchema = z.object({
  FAKE_VALENTINA_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  FAKE_VALENTINA_HOST: z.string().min(1).optional(),
  FAKE_VALENTINA_API_KEY: z.string().min(1).optional(),
  FAKE_DISCORD_API_URL: z.url().optional(),
});

/** Starts the fake from argv/env and closes it on SIGINT/SIGTERM. */
export async function runStandalone(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Promise<FakeValentina> {
  const parsed = envSchema.parse(env);
  const port = argv[0] === undefined ? parsed.FAKE_VALENTINA_PORT : z.coerce.number().int().min(0).max(65535).parse(argv[0]);
  const fake = await startFakeValentina({
    port: port ?? 0,
    host: parsed.FAKE_VALENTINA_HOST,
    apiKey: parsed.FAKE_VALENTINA_API_KEY,
    discordApiUrl: parsed.FAKE_DISCORD_API_URL,
  });
  console.warn(`fake Valentina API listening on ${fake.url}/api/v1 (X-API-KEY: ${fake.apiKey})`);
  const stop = () => {
    void fake.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return fake;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runStandalone().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
