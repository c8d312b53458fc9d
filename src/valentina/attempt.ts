/**
 * One attempt of a Valentina call: a single request on the transport's undici Pool (transport.ts
 * decides whether and when there is another). It is cut at its own timeout or the caller's signal;
 * the rate-limit headers of its answer correct the request budget; a 2xx body is validated with zod,
 * and anything else becomes a typed error (errors.ts) carrying the request id and, for a 429, the
 * wait Valentina asked for.
 */
import { EventEmitter } from 'node:events';
import type { Pool } from 'undici';
import type { z } from 'zod';
import type { CallSpec, ValentinaClientOptions } from './options.js';
import { parseProblem, retryAfterMs, single } from './problem.js';
import { errorForStatus, ValentinaNetworkError, ValentinaResponseError } from './errors.js';

/** Failures to connect at all: the request never reached the server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'UND_ERR_CONNECT_TIMEOUT']);

const RETRYABLE_NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_ABORTED',
]);

/** What one attempt sends, as the transport built it for the call. */
export interface AttemptRequest<S extends z.ZodTypeAny> {
  spec: CallSpec<S>;
  /** `METHOD /template`, for the log. */
  endpoint: string;
  /** The path with its query string. */
  path: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
  /** 1 for the first attempt of the call. */
  attempt: number;
  signal: AbortSignal | undefined;
}

/**
 * Sends one attempt and returns its validated answer; throws a {@link ValentinaError} (a network
 * failure or timeout, or Valentina's refusal), or the caller's abort reason.
 */
export async function sendAttempt<S extends z.ZodTypeAny>(pool: Pool, options: ValentinaClientOptions, request: AttemptRequest<S>): Promise<z.infer<S>> {
  const { spec, endpoint, path, headers, body, timeoutMs, attempt, signal } = request;
  options.onSend?.({ method: spec.method, endpoint: spec.template });
  const started = performance.now();
  const report = (status: number, requestId: string | undefined) => {
    const durationMs = performance.now() - started;
    options.onResponse?.({ method: spec.method, endpoint: spec.template, status, durationMs, attempt, requestId });
    options.logger?.debug({ endpoint, status, ms: Math.round(durationMs), requestId, attempt }, 'valentina request');
  };
  let response: Awaited<ReturnType<Pool['request']>>;
  let text: string;
  // undici's own header/body timeouts run on a coarse timer; a per-attempt abort is exact.
  const stop = new AttemptStop();
  const timeout = setTimeout(() => stop.abort(), timeoutMs);
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    response = await pool.request({ method: spec.method, path, headers, body, signal: signal?.aborted ? signal : stop });
    text = await response.body.text();
  } catch (cause) {
    report(0, undefined);
    const code = (cause as { code?: string }).code ?? '';
    if (signal?.aborted) throw cause;
    const timedOut = stop.aborted || code.includes('TIMEOUT');
    if (!timedOut && !RETRYABLE_NETWORK_CODES.has(code) && !(cause instanceof TypeError)) throw cause;
    throw new ValentinaNetworkError({
      method: spec.method,
      endpoint: spec.template,
      detail: timedOut ? `no answer within ${timeoutMs} ms` : `connection failed (${code || 'network error'})`,
      timedOut,
      notSent: NOT_SENT_CODES.has(code),
      cause,
    });
  } finally {
    clearTimeout(timeout);
    signal?.removeEventListener('abort', onAbort);
  }
  const headerRequestId = single(response.headers['x-request-id']);
  const limits = { policy: single(response.headers['ratelimit-policy']), state: single(response.headers.ratelimit) };
  if (response.statusCode !== 429) void options.budget?.observe({ status: response.statusCode, ...limits });
  if (response.statusCode >= 200 && response.statusCode < 300) {
    report(response.statusCode, headerRequestId);
    return parseSuccess(spec, text, headerRequestId);
  }
  const problem = parseProblem(text);
  const requestId = problem.request_id ?? headerRequestId;
  report(response.statusCode, requestId);
  const wait = response.statusCode === 429 ? retryAfterMs(problem.retry_after, response.headers) : undefined;
  if (wait !== undefined && options.budget) {
    // Awaited: the retry's token must be taken from the corrected bucket.
    await options.budget.observe({ status: 429, ...limits, retryAfterMs: wait });
  }
  throw errorForStatus({
    status: response.statusCode,
    title: problem.title,
    detail: problem.detail ?? `HTTP ${response.statusCode}`,
    requestId,
    code: problem.code,
    invalidParameters: problem.invalid_parameters,
    method: spec.method,
    endpoint: spec.template,
    retryAfterMs: wait,
  });
}

function parseSuccess<S extends z.ZodTypeAny>(spec: CallSpec<S>, text: string, requestId: string | undefined): z.infer<S> {
  if (spec.schema === null) return undefined as z.infer<S>;
  let json: unknown;
  try {
    json = text.length === 0 ? null : JSON.parse(text);
  } catch (cause) {
    throw new ValentinaResponseError({ status: 200, detail: 'response is not JSON', requestId, method: spec.method, endpoint: spec.template, cause });
  }
  const parsed = spec.schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
  throw new ValentinaResponseError({
    status: 200,
    detail: `unexpected response shape at ${where}: ${issue?.message ?? 'invalid'}`,
    requestId,
    method: spec.method,
    endpoint: spec.template,
  });
}

/**
 * What aborts one attempt. undici takes an EventEmitter with `aborted` as a request's signal as well as
 * an AbortSignal, and registering on an emitter costs a fraction of an AbortSignal's listener, which
 * every request would otherwise pay (measured with scripts/bench-client.ts).
 */
class AttemptStop extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
}

