/**
 * The rules of notes by DM, in one place.
 *
 * - A note's title is 3–50 characters and its content at least 3 (Valentina's bounds, N3).
 * - Valentina has no content maximum except its 5 MiB body limit; the bot caps a note at
 *   {@link NOTE_LIMITS.contentMax} characters and splits anything longer into numbered notes.
 * - Messages sent less than `quietMs` apart form one burst and become one note; a burst closes at
 *   the latest `maxAgeMs` after its first message.
 * - Undo works for {@link UNDO_SECONDS} after a note is saved.
 *
 * `NOTES_BURST_QUIET_MS` (250–60000, default 4000) tunes the quiet gap, e.g. for tests and demos.
 */
import { z } from 'zod';

export const NOTE_LIMITS = { titleMin: 3, titleMax: 50, contentMin: 3, contentMax: 20_000 } as const;

export const UNDO_SECONDS = 60;

/** Whether Undo of a note saved at `savedAtSeconds` (epoch seconds) has expired at `nowMs`. */
export const undoExpired = (savedAtSeconds: number, nowMs: number = Date.now()) => nowMs / 1000 - savedAtSeconds > UNDO_SECONDS;

/** A Discord text input holds at most this much: longer notes are edited title-only in the form. */
export const MODAL_CONTENT_MAX = 4_000;

export interface BurstSettings {
  /** Quiet time that closes a burst. */
  quietMs: number;
  /** A burst closes at the latest this long after its first message. */
  maxAgeMs: number;
  /** How long a burst waits for the user to pick a company before it is given up. */
  companyWaitMs: number;
}

const EnvSchema = z.object({
  NOTES_BURST_QUIET_MS: z.coerce.number().int().min(250).max(60_000).default(4_000),
});

export function burstSettings(env: NodeJS.ProcessEnv = process.env): BurstSettings {
  const parsed = EnvSchema.safeParse({ NOTES_BURST_QUIET_MS: env.NOTES_BURST_QUIET_MS || undefined });
  const quietMs = parsed.success ? parsed.data.NOTES_BURST_QUIET_MS : 4_000;
  return { quietMs, maxAgeMs: Math.max(60_000, quietMs * 5), companyWaitMs: 24 * 3600_000 };
}

/** "4 s", "1.5 s" */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** "20,000" */
export const formatCount = (n: number) => n.toLocaleString('en-US');
