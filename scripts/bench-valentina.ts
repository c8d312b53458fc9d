/**
 * The fake Valentina as the benchmarks run it: a realistic latency on every request (20–40 ms with
 * seeded jitter, as from a bot to a hosted API) and, when asked, the live rate limit.
 */
import type { BucketConfig, FakeValentina, LoggedRequest } from '../packages/sandbox/src/fake-valentina/index.js';
import { seededJitter } from './bench-stats.js';

/**
 * The live limit the API documents (§1.9): `"default";q=50;w=60`, i.e. 50 requests a minute per API
 * key, plus the identify bucket.
 */
export const LIVE_RATE_LIMITS: BucketConfig[] = [
  { name: 'default', capacity: 50, refillPerSecond: 50 / 60 },
  { name: 'user_registration', capacity: 30, refillPerSecond: 1 / 60, scope: 'user_registration' },
];

export interface LatencyProfile {
  minMs: number;
  maxMs: number;
  seed: number;
}

export const REALISTIC_LATENCY: LatencyProfile = { minMs: 20, maxMs: 40, seed: 17 };

/** Delays every request the fake receives by a seeded 20–40 ms (through its latency fault). */
export function addLatency(fake: FakeValentina, profile: LatencyProfile = REALISTIC_LATENCY): void {
  const next = seededJitter(profile.seed, profile.minMs, profile.maxMs);
  const take = fake.faults.take.bind(fake.faults);
  fake.faults.take = (method, path) => [{ kind: 'latency', ms: next() }, ...take(method, path)];
}

/** The bot's health checks (/readyz), which are not part of any command. */
export const isHealthCheck = (request: LoggedRequest) => request.path.endsWith('/health');

/** Requests logged from index `from` on that belong to commands (no health checks). */
export function commandRequests(fake: FakeValentina, from: number): LoggedRequest[] {
  return fake.requests.slice(from).filter((r) => !isHealthCheck(r));
}
