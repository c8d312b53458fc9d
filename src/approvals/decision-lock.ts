/**
 * One decision per request, however many admins click at once: a Redis `SET NX` lock per company and
 * user. The winner decides and leaves the outcome in the key; a concurrent clicker waits a moment for
 * the winner to finish and is told what was decided (or takes over if the winner was refused).
 */
import { randomUUID } from 'node:crypto';
import { parseJson, type RedisConnection } from '../redis.js';
import { tryLock } from '../redis-lock.js';
import { DecisionStateSchema, type DecisionState } from './queue.js';

const HOLD_SECONDS = 60;
const DECIDED_SECONDS = 7 * 24 * 3600;

export type Acquired = { ok: true; lock: HeldDecision } | { ok: false; state: DecisionState | null };

export interface HeldDecision {
  /** Records the outcome: later clickers read `summary`. */
  settle(summary: string): Promise<void>;
  /** Gives the request back undecided (the clicker was refused, or Valentina failed). */
  release(): Promise<void>;
}

export async function acquireDecision(redis: RedisConnection, key: string, options: { waitMs?: number; pollMs?: number } = {}): Promise<Acquired> {
  const deadline = Date.now() + (options.waitMs ?? 4_000);
  const token = JSON.stringify({ state: 'deciding', by: randomUUID() } satisfies DecisionState);
  for (;;) {
    // The lock's token is the "deciding" state itself, so a concurrent clicker reads what is going on.
    const held = await tryLock(redis, key, HOLD_SECONDS * 1000, token);
    if (held) {
      return {
        ok: true,
        lock: {
          settle: async (summary) => {
            await redis.set(key, JSON.stringify({ state: 'decided', summary } satisfies DecisionState), 'EX', DECIDED_SECONDS);
          },
          release: async () => {
            await held.release();
          },
        },
      };
    }
    const state = readState(await redis.get(key));
    if (state?.state === 'decided' || Date.now() >= deadline) return { ok: false, state };
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}

function readState(raw: string | null): DecisionState | null {
  return parseJson(raw, DecisionStateSchema);
}
