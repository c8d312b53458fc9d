/**
 * The rules of `/roll`, in one place.
 *
 * - Difficulty 1–10 (Valentina does not range-check it), desperation dice 0–5, a pool of 1–50 dice.
 * - A roll request waits {@link requestTtlSeconds} for its player (default 30 minutes;
 *   `ROLL_REQUEST_TTL_SECONDS`, 5–86400, tunes it, e.g. for tests and demos), then expires.
 * - "Save as quickroll" works for a day after the roll (the reroll has its own rules: src/quickrolls/reroll.ts).
 */
import { z } from 'zod';

export const DIFFICULTY = { min: 1, max: 10 } as const;
export const DESPERATION = { min: 0, max: 5, default: 0 } as const;
export const POOL_DICE = { min: 1, max: 50 } as const;
export const COMMENT_MAX = 200;
/** How long "Save as quickroll" keeps working. */
export const MADE_TTL_SECONDS = 24 * 3600;
/** How long an expired or rolled request is remembered, to tell "expired" from "unknown". */
export const REQUEST_MEMORY_SECONDS = 24 * 3600;
const DEFAULT_REQUEST_TTL_SECONDS = 30 * 60;

const EnvSchema = z.object({ ROLL_REQUEST_TTL_SECONDS: z.coerce.number().int().min(5).max(86_400).default(DEFAULT_REQUEST_TTL_SECONDS) });

/** Seconds a roll request waits for its player. */
export function requestTtlSeconds(env: Record<string, string | undefined> = process.env): number {
  const parsed = EnvSchema.safeParse({ ROLL_REQUEST_TTL_SECONDS: env.ROLL_REQUEST_TTL_SECONDS || undefined });
  return parsed.success ? parsed.data.ROLL_REQUEST_TTL_SECONDS : DEFAULT_REQUEST_TTL_SECONDS;
}

/** "30 minutes", "45 seconds". */
export function describeDuration(seconds: number): string {
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}
