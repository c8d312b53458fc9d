/** RFC 9457 problem details as the API renders them. */
import { STATUS_CODES } from 'node:http';

export interface InvalidParameter {
  field: string;
  message: string;
}

export type ProblemCode =
  | 'TOKEN_VERIFICATION_FAILED'
  | 'PROVIDER_UNAVAILABLE'
  | 'EMAIL_REQUIRED'
  | 'IDENTITY_ALREADY_LINKED'
  | 'IDENTITY_NOT_LINKED'
  | 'LAST_IDENTITY';

export const VALIDATION_FAILED = 'Validation failed for one or more fields.';
export const BODY_PLACEHOLDER: InvalidParameter[] = [
  { field: 'body', message: 'One or more fields did not pass validation.' },
];
export const NO_RIGHTS = 'No rights to access this resource';

/** An error a handler throws to answer with a problem body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: { invalid_parameters?: InvalidParameter[]; code?: ProblemCode; retry_after?: number } = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** A typed request-parsing failure: the generic detail plus one entry per offending field. */
export function validationError(params: InvalidParameter[]): ApiError {
  return new ApiError(400, VALIDATION_FAILED, { invalid_parameters: params });
}

/** A service-level 400 carrying the placeholder `invalid_parameters`. */
export function badRequest(detail: string, params: InvalidParameter[] = BODY_PLACEHOLDER): ApiError {
  return new ApiError(400, detail, { invalid_parameters: params });
}

export function forbidden(detail: string = NO_RIGHTS): ApiError {
  return new ApiError(403, detail);
}

export function notFound(detail: string): ApiError {
  return new ApiError(404, detail);
}

const TITLES: Record<number, string> = {
  413: 'Content Too Large',
  422: 'Unprocessable Content',
};

export function statusTitle(status: number): string {
  return TITLES[status] ?? STATUS_CODES[status] ?? 'Error';
}

export function problemBody(error: ApiError, instance: string, requestId: string): Record<string, unknown> {
  return {
    status: error.status,
    title: statusTitle(error.status),
    detail: error.detail,
    instance,
    request_id: requestId,
    ...error.extra,
  };
}
