/** The notes job: its payload (zod), its id, and the backoff of a pending note. */
import { z } from 'zod';
import { snowflake } from '../discord/snowflake.js';
import { ValentinaRateLimitError } from '../valentina/index.js';
import { DraftSchema } from './compose.js';

const uuid = z.string().uuid();

export const BurstJobSchema = z.object({
  discordUserId: snowflake,
  burstId: snowflake,
  firstAt: z.number().int(),
  /** Set once the burst is closed: the notes to save, fixed so every retry sends the same body. */
  sealed: z
    .object({
      companyId: uuid,
      companyName: z.string(),
      userId: uuid,
      drafts: z.array(DraftSchema).min(1),
      messages: z.number().int().min(1),
      totalChars: z.number().int().min(0),
    })
    .optional(),
  /** Drafts already saved (by index), so a retry saves only the rest. */
  saved: z.array(z.object({ index: z.number().int().min(0), noteId: uuid })).default([]),
  /** Drafts sent at least once (by index): before sending one again, the user's notes are searched for it. */
  sent: z.array(z.number().int().min(0)).default([]),
  pending: z.boolean().default(false),
});
export type BurstJob = z.infer<typeof BurstJobSchema>;
export type BurstJobInput = z.input<typeof BurstJobSchema>;

/** Attempts of a pending note: with the backoff below, about five days of trying. */
export const NOTE_ATTEMPTS = 1_500;
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_MAX_MS = 5 * 60_000;

export const burstJobId = (burstId: string) => `note_${burstId}`;

/** Exponential (2 s, 4 s, … at most 5 min) with ±20 % jitter; never sooner than a 429 asks. */
export function retryDelay(attemptsMade: number, error?: unknown, random: () => number = Math.random): number {
  const exponential = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attemptsMade - 1));
  const jittered = Math.round(exponential * (0.8 + 0.4 * random()));
  return error instanceof ValentinaRateLimitError ? Math.max(jittered, error.retryAfterMs) : jittered;
}
