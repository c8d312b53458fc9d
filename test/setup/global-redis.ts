/**
 * Vitest global setup: one real redis-server for the whole run. Tests isolate themselves with their
 * own key prefix / queue names (see test/support/redis.ts).
 */
import type { TestProject } from 'vitest/node';
import type { RedisServerHandle } from '../../packages/sandbox/src/redis-server.js';
import { startRedisServerOnFreshPort } from '../support/ports.js';

let server: RedisServerHandle | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startRedisServerOnFreshPort();
  project.provide('redisUrl', server.url);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}
