/** Redis helpers for tests: the shared server's URL and a unique key prefix per test file. */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';

export function redisUrl(): string {
  return inject('redisUrl');
}

/** A key prefix no other test uses, so tests can share one Redis server safely. */
export function uniquePrefix(label = 't'): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}
