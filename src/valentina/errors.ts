/**
 * Typed errors of the Valentina client. RFC 9457 problem bodies become one class per status family,
 * each carrying the status, the API's `detail`, its `request_id` and, where the API gives one, the
 * machine-readable `code`.
 */

/** The complete set of machine-readable codes the API emits (contract §1.8). */
export type ValentinaErrorCode =
  | 'TOKEN_VERIFICATION_FAILED'
  | 'PROVIDER_UNAVAILABLE'
  | 'EMAIL_REQUIRED'
  | 'IDENTITY_ALREADY_LINKED'
  | 'IDENTITY_NOT_LINKED'
  | 'LAST_IDENTITY';

export interface InvalidParameter {
  field: string;
  message: string;
}

export interface ValentinaErrorInit {
  status: number;
  title?: string;
  detail: string;
  requestId?: string | undefined;
  code?: ValentinaErrorCode | undefined;
  invalidParameters?: InvalidParameter[] | undefined;
  method: string;
  endpoint: string;
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

export class ValentinaError extends Error {
  override name = 'ValentinaError';
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly requestId: string | undefined;
  readonly code: ValentinaErrorCode | undefined;
  readonly invalidParameters: InvalidParameter[];
  readonly method: string;
  /** The templated endpoint, e.g. `POST /companies/{cid}/users/{uid}/experience/xp/add`. */
  readonly endpoint: string;

  constructor(init: ValentinaErrorInit) {
    super(`${init.method} ${init.endpoint}: ${init.status} ${init.detail}${init.requestId ? ` (${init.requestId})` : ''}`, {
      cause: init.cause,
    });
    this.status = init.status;
    this.title = init.title ?? '';
    this.detail = init.detail;
    this.requestId = init.requestId;
    this.code = init.code;
    this.invalidParameters = init.invalidParameters ?? [];
    this.method = init.method;
    this.endpoint = init.endpoint;
  }

  /** Whether repeating the same request may succeed (rate limits, server faults, network trouble). */
  // eslint-disable-next-line @typescript-eslint/class-literal-property-style -- subclasses override it with getters that compute it
  get retryable(): boolean {
    return false;
  }
}

export class ValentinaValidationError extends ValentinaError {
  override name = 'ValentinaValidationError';
}
export class ValentinaUnauthorizedError extends ValentinaError {
  override name = 'ValentinaUnauthorizedError';
}
export class ValentinaForbiddenError extends ValentinaError {
  override name = 'ValentinaForbiddenError';
}
export class ValentinaNotFoundError extends ValentinaError {
  override name = 'ValentinaNotFoundError';
}
export class ValentinaConflictError extends ValentinaError {
  override name = 'ValentinaConflictError';
}
export class ValentinaUnprocessableError extends ValentinaError {
  override name = 'ValentinaUnprocessableError';
}

export class ValentinaRateLimitError extends ValentinaError {
  override name = 'ValentinaRateLimitError';
  /** How long the API asks us to wait, in milliseconds. */
  readonly retryAfterMs: number;
  constructor(init: ValentinaErrorInit) {
    super(init);
    this.retryAfterMs = init.retryAfterMs ?? 1_000;
  }
  override get retryable(): boolean {
    return true;
  }
}

/**
 * Not sent: the shared request budget (src/valentina/budget.ts) has no token for this call within the
 * wait it may take. Nothing reached Valentina; `retryAfterMs` says when a token will be there.
 */
export class ValentinaBudgetError extends ValentinaRateLimitError {
  override name = 'ValentinaBudgetError';
}

export class ValentinaServerError extends ValentinaError {
  override name = 'ValentinaServerError';
  override get retryable(): boolean {
    return true;
  }
}

/** Connection refused/reset, a dropped response or a timeout: the request may or may not have been applied. */
export class ValentinaNetworkError extends ValentinaError {
  override name = 'ValentinaNetworkError';
  readonly timedOut: boolean;
  /** The connection was never made (refused, or connecting timed out): the request did not reach the server. */
  readonly notSent: boolean;
  constructor(init: Omit<ValentinaErrorInit, 'status'> & { timedOut: boolean; notSent?: boolean }) {
    super({ ...init, status: 0 });
    this.timedOut = init.timedOut;
    this.notSent = init.notSent ?? false;
  }
  override get retryable(): boolean {
    return true;
  }
}

/**
 * A POST whose outcome is unknown: Valentina answered 5xx, the connection broke after the request may
 * have been sent, or no answer came in time. The write may or may not have been applied, and re-sending
 * it is not safe: the API stores idempotent answers only for 2xx (§1.10), so a retry with the same key
 * runs the write again. Callers prove the state (read what the write changes) or tell the user.
 */
export class ValentinaOutcomeUnknownError extends ValentinaError {
  override name = 'ValentinaOutcomeUnknownError';
  /**
   * Whether the write may still be running on the server (we stopped waiting, or a gateway did): a read
   * now may not show it yet. When false the attempt has ended (an answer came, or the connection closed).
   */
  readonly mayStillRun: boolean;
  constructor(init: ValentinaErrorInit & { mayStillRun: boolean }) {
    super(init);
    this.mayStillRun = init.mayStillRun;
  }
}

/** A 2xx response whose body does not have the shape the contract promises. */
export class ValentinaResponseError extends ValentinaError {
  override name = 'ValentinaResponseError';
}

export function errorForStatus(init: ValentinaErrorInit): ValentinaError {
  const { status } = init;
  if (status === 400) return new ValentinaValidationError(init);
  if (status === 401) return new ValentinaUnauthorizedError(init);
  if (status === 403) return new ValentinaForbiddenError(init);
  if (status === 404) return new ValentinaNotFoundError(init);
  if (status === 409) return new ValentinaConflictError(init);
  if (status === 422) return new ValentinaUnprocessableError(init);
  if (status === 429) return new ValentinaRateLimitError(init);
  if (status >= 500) return new ValentinaServerError(init);
  return new ValentinaError(init);
}

/** Stable `detail` strings the API has no code for (contract §1.8). */
export const STABLE_DETAILS = {
  notEnoughXp: 'User does not have enough XP to complete the action.',
  missingTraits: 'This character does not have the traits required to roll this quick roll',
  quickrollNeedsTrait: 'Quick roll must have at least one trait',
  notUnapproved: 'User is not in UNAPPROVED status',
  secondaryNotUnapproved: 'Secondary user must have UNAPPROVED role',
  notApprovedYet: 'User has not been approved yet',
  deactivated: 'User account is deactivated',
  noRights: 'No rights to access this resource',
  lastAdmin: 'Cannot remove the last admin from the company',
  xpNotAuthorized: 'User not authorized to grant or remove XP for this user',
} as const;

const hasDetail = (error: unknown, status: number, detail: string): boolean =>
  error instanceof ValentinaError && error.status === status && error.detail === detail;

export const isNotEnoughXp = (error: unknown) => hasDetail(error, 400, STABLE_DETAILS.notEnoughXp);
export const isMissingTraits = (error: unknown) => hasDetail(error, 400, STABLE_DETAILS.missingTraits);
export const isNotUnapproved = (error: unknown) => hasDetail(error, 400, STABLE_DETAILS.notUnapproved);
export const isXpNotAuthorized = (error: unknown) => hasDetail(error, 403, STABLE_DETAILS.xpNotAuthorized);
export const isIdempotencyConflict = (error: unknown): boolean =>
  error instanceof ValentinaConflictError && error.detail.startsWith("Idempotency key '");
export const hasCode = (error: unknown, code: ValentinaErrorCode): boolean =>
  error instanceof ValentinaError && error.code === code;
