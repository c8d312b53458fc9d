/**
 * What a user sees when something goes wrong. Handlers throw {@link UserError} for messages meant
 * for the user; Valentina's typed errors become clear sentences; anything else becomes an apology
 * with a short reference that is logged with the stack, so support can find it. The raw text of an
 * unknown error is never shown.
 */
import { randomInt } from 'node:crypto';
import {
  ValentinaConflictError,
  ValentinaError,
  ValentinaForbiddenError,
  ValentinaNetworkError,
  ValentinaNotFoundError,
  ValentinaOutcomeUnknownError,
  ValentinaRateLimitError,
  ValentinaResponseError,
  ValentinaServerError,
  ValentinaUnprocessableError,
  ValentinaValidationError,
} from '../valentina/index.js';
import type { InteractionOutcome } from '../http/metrics.js';
import { redactUrlTokens } from '../logger.js';

/** An error whose message is written for the user; always shown ephemerally. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/**
 * A failure with one more sentence for the user, e.g. what became of what they typed. The failure is
 * described as usual (its outcome and reference stay its own); the note follows its message.
 */
export class ErrorWithNote extends Error {
  override readonly name = 'ErrorWithNote';

  constructor(
    readonly failure: unknown,
    readonly note: string,
  ) {
    super(failure instanceof Error ? failure.message : String(failure), { cause: failure });
  }
}

/**
 * A change whose outcome could not be proven after Valentina's answer was lost: the message says what
 * is known (the request id, the balance now) and how to check. Never offers the command back to resend.
 */
export class UnconfirmedChangeError extends Error {
  override readonly name = 'UnconfirmedChangeError';

  constructor(
    message: string,
    readonly failure?: unknown,
  ) {
    super(message, { cause: failure });
  }
}

export interface UserFacingError {
  /** The text the user sees. */
  message: string;
  outcome: Extract<InteractionOutcome, 'user_error' | 'upstream_error' | 'error'>;
  /** Set when the error is ours: the reference shown to the user and logged with the stack. */
  reference?: string;
  /** A change may have been made: the user must check before sending the command again, so it is not offered back. */
  mayHaveApplied?: boolean;
}

/** The honest answer to a write whose outcome is unknown (what the user should check follows it). */
export const outcomeUnknownMessage = (requestId: string | undefined, what = 'this change', done = 'made') =>
  `Valentina didn't confirm ${what}, so it may or may not have been ${done}${requestId ? ` (request ${requestId})` : ''}.`;

/** Crockford base32 without the easily confused I, L, O, U. */
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A short, readable reference such as `ERR-7KQ2`. */
export function newErrorReference(): string {
  let code = '';
  for (let i = 0; i < 4; i++) code += REFERENCE_ALPHABET[randomInt(REFERENCE_ALPHABET.length)];
  return `ERR-${code}`;
}

const requestSuffix = (error: ValentinaError) => (error.requestId ? ` (request ${error.requestId})` : '');

function describeValentinaError(error: ValentinaError): UserFacingError | undefined {
  if (error instanceof ValentinaForbiddenError) {
    return { message: `Valentina refused: ${error.detail}`, outcome: 'user_error' };
  }
  if (error instanceof ValentinaNotFoundError) {
    return { message: `Valentina could not find that: ${error.detail}`, outcome: 'user_error' };
  }
  if (error instanceof ValentinaValidationError || error instanceof ValentinaUnprocessableError) {
    return { message: `Valentina did not accept that: ${error.detail}`, outcome: 'user_error' };
  }
  if (error instanceof ValentinaConflictError) {
    return { message: `Valentina reports a conflict: ${error.detail}`, outcome: 'user_error' };
  }
  if (error instanceof ValentinaOutcomeUnknownError) {
    return { message: `${outcomeUnknownMessage(error.requestId)} Check before you try again.`, outcome: 'upstream_error', mayHaveApplied: true };
  }
  if (error instanceof ValentinaRateLimitError) {
    const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
    return {
      message: `Valentina is busy right now. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.${requestSuffix(error)}`,
      outcome: 'upstream_error',
    };
  }
  if (error instanceof ValentinaServerError || error instanceof ValentinaNetworkError || error instanceof ValentinaResponseError) {
    return {
      message: `Valentina is not answering right now. Try again in a moment.${requestSuffix(error)}`,
      outcome: 'upstream_error',
    };
  }
  // 401 (a bad API key) and unexpected statuses are the deployment's problem, not the user's.
  return undefined;
}

/**
 * Turns anything a handler threw into what the user sees. `reference` is called only for errors
 * that are ours, which are the ones worth logging with a stack.
 */
export function describeError(error: unknown, reference: () => string = newErrorReference): UserFacingError {
  if (error instanceof ErrorWithNote) {
    const described = describeError(error.failure, reference);
    return { ...described, message: `${described.message} ${error.note}` };
  }
  if (error instanceof UserError) return { message: error.message, outcome: 'user_error' };
  if (error instanceof UnconfirmedChangeError) return { message: error.message, outcome: 'upstream_error', mayHaveApplied: true };
  if (error instanceof ValentinaError) {
    const described = describeValentinaError(error);
    if (described) return described;
  }
  const ref = reference();
  return {
    message: `Sorry, something went wrong on our side. If it keeps happening, tell an administrator the reference ${ref}.`,
    outcome: 'error',
    reference: ref,
  };
}

/**
 * An error as it may be logged: Discord REST errors carry the request URL, which holds the
 * interaction token, and the request body; both are replaced by a token-free route.
 */
export function loggableError(error: unknown): unknown {
  if (error instanceof ErrorWithNote) return loggableError(error.failure);
  if (!(error instanceof Error) || typeof (error as { url?: unknown }).url !== 'string') return error;
  const { url, status, code, method } = error as Error & { url: string; status?: unknown; code?: unknown; method?: unknown };
  return {
    type: error.name,
    message: redactUrlTokens(error.message),
    status,
    discordCode: code,
    method,
    route: redactUrlTokens(url),
    stack: error.stack === undefined ? undefined : redactUrlTokens(error.stack),
  };
}
