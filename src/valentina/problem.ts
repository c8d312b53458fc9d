/**
 * What Valentina's error answers say: the RFC 9457 problem body (§1.8) and, for a 429, how long to wait.
 */
import { z } from 'zod';
import type { ValentinaErrorCode } from './errors.js';

const ERROR_CODES = ['TOKEN_VERIFICATION_FAILED', 'PROVIDER_UNAVAILABLE', 'EMAIL_REQUIRED', 'IDENTITY_ALREADY_LINKED', 'IDENTITY_NOT_LINKED', 'LAST_IDENTITY'] as const satisfies readonly ValentinaErrorCode[];

const InvalidParameterSchema = z.object({ field: z.string(), message: z.string() });

/**
 * An RFC 9457 problem body (§1.8), read leniently: each member is kept when it has the documented type
 * and dropped otherwise, so the plain `{"status_code":500,"detail":...}` body, a proxy's HTML page or
 * a code this client does not know still produce a typed error with what could be read.
 */
const ProblemSchema = z.object({
  title: z.string().optional().catch(undefined),
  detail: z.string().optional().catch(undefined),
  request_id: z.string().optional().catch(undefined),
  code: z.enum(ERROR_CODES).optional().catch(undefined),
  invalid_parameters: z
    .array(z.unknown())
    .transform((items) => items.flatMap((item) => {
      const parsed = InvalidParameterSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }))
    .optional()
    .catch(undefined),
  retry_after: z.number().optional().catch(undefined),
});
type Problem = z.infer<typeof ProblemSchema>;

/** Reads a problem body; anything that is not a JSON object reads as an empty problem. */
export function parseProblem(text: string): Problem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return {};
  }
  const parsed = ProblemSchema.safeParse(value);
  if (!parsed.success) return {};
  return Object.fromEntries(Object.entries(parsed.data).filter(([, member]) => member !== undefined));
}

/**
 * How long a 429 asks us to wait, in ms: the largest of the body's `retry_after`, the `t` of every
 * bucket in the `RateLimit` header, and a `Retry-After` header if one is ever sent.
 */
export function retryAfterMs(bodyRetryAfter: number | undefined, headers: Record<string, string | string[] | undefined>): number {
  const candidates: number[] = [];
  if (typeof bodyRetryAfter === 'number' && Number.isFinite(bodyRetryAfter)) candidates.push(bodyRetryAfter);
  const rateLimit = single(headers.ratelimit);
  if (rateLimit) {
    for (const match of rateLimit.matchAll(/;\s*t=(\d+(?:\.\d+)?)/g)) candidates.push(Number(match[1]));
  }
  const retryAfter = single(headers['retry-after']);
  if (retryAfter && /^\d+(\.\d+)?$/.test(retryAfter.trim())) candidates.push(Number(retryAfter));
  return candidates.length === 0 ? 1_000 : Math.ceil(Math.max(...candidates) * 1000);
}

/** A header's one value (undici gives repeated headers as an array). */
export function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
