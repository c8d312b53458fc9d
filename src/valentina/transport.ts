/**
 * HTTP transport of the Valentina client: one keep-alive undici Pool, the API's headers, and retries
 * that never apply a write twice. Each attempt (src/valentina/attempt.ts) validates its response with
 * zod and turns a failure into a typed error.
 *
 * What is retried (with backoff, up to `maxRetries`):
 * - GET and DELETE: 429, 5xx, network failures and timeouts.
 * - POST: only when the request was definitely not applied — 429 (the rate limiter runs before the
 *   handler) and a connection that was never made. A 5xx, a connection that broke after the request
 *   may have been sent, or a timeout leaves the outcome unknown: the API stores idempotent answers only
 *   for 2xx, so a retry would run the write again. It throws {@link ValentinaOutcomeUnknownError}
 *   and the caller proves the state or tells the user.
 * - PATCH: like GET, except after a timeout. Every PATCH of this API sets absolute values (a title, a
 *   name, a set of traits, a role), so running one twice leaves the same state as running it once;
 *   after a timeout it may still be running, and a late duplicate could undo a newer change.
 *
 * With a request budget (`budget`, src/valentina/budget.ts) every attempt first takes a token, at the
 * priority of its scope (src/valentina/priority.ts) or its `priority` option; the rate-limit headers
 * of every answer and every 429 correct the budget. A 429 is then retried only through the budget: the
 * call waits if the token comes within its wait, else fails at once with {@link ValentinaBudgetError}
 * (a 429 never holds a user for Valentina's whole `retry_after`).
 *
 * Identical GETs in flight at the same time share one request (src/valentina/shared-reads.ts).
 */
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import type { z } from 'zod';
import { sendAttempt } from './attempt.js';
import { currentRequestScope } from './priority.js';
import { FRESH_QUERY_PARAM, type CallSpec, type RequestOptions, type ValentinaClientOptions } from './options.js';
import { SharedReads, type ReadWait } from './shared-reads.js';
import { ValentinaBudgetError, ValentinaError, ValentinaNetworkError, ValentinaOutcomeUnknownError, ValentinaRateLimitError } from './errors.js';

export const API_ROOT = '/api/v1';

export class Transport {
  private readonly pool: Pool;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly random: () => number;
  private readonly reads = new SharedReads();

  constructor(private readonly options: ValentinaClientOptions) {
    const origin = new URL(options.baseUrl);
    this.pool = new Pool(origin.origin, { connections: options.connections ?? 16, keepAliveTimeout: 30_000, pipelining: 1 });
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.maxRetries = options.maxRetries ?? 3;
    this.baseDelayMs = options.baseDelayMs ?? 200;
    this.maxDelayMs = options.maxDelayMs ?? 10_000;
    this.random = options.random ?? Math.random;
  }

  async call<S extends z.ZodTypeAny>(spec: CallSpec<S>): Promise<z.infer<S>> {
    const opts = spec.options ?? {};
    const query = opts.fresh && spec.method === 'GET' ? { ...spec.query, [FRESH_QUERY_PARAM]: randomUUID() } : spec.query;
    const path = API_ROOT + buildPath(spec.template, spec.params ?? {}) + buildQuery(query);
    const onWait = this.options.onWait;
    if (spec.method !== 'GET') {
      this.reads.wrote();
      return this.send(spec, path, (wait) => onWait?.(wait)).finally(() => this.reads.wrote());
    }
    if (spec.probe || opts.fresh || opts.deadline !== undefined || opts.signal) return this.send(spec, path, (wait) => onWait?.(wait));
    const scope = currentRequestScope();
    const terms = [
      opts.priority ?? scope?.priority ?? 'interactive',
      opts.maxWaitMs ?? scope?.maxWaitMs ?? '',
      scope?.prepaid && scope.prepaid.left > 0 ? 'prepaid' : '',
    ].join(' ');
    return this.reads.run({ path, onBehalfOf: spec.onBehalfOf, terms }, onWait, (announce) => this.send(spec, path, announce));
  }

  /** One call, its retries included; `announce` is told before it waits on purpose. */
  private async send<S extends z.ZodTypeAny>(spec: CallSpec<S>, path: string, announce: (wait: ReadWait) => void): Promise<z.infer<S>> {
    const opts = spec.options ?? {};
    const isWrite = spec.method === 'POST' || spec.method === 'PATCH';
    const idempotencyKey = isWrite ? (opts.idempotencyKey ?? randomUUID()) : undefined;
    const endpoint = `${spec.method} ${spec.template}`;
    const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const headers: Record<string, string> = { 'x-api-key': this.options.apiKey, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (spec.onBehalfOf) headers['on-behalf-of'] = spec.onBehalfOf;
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;

    let attempt = 0;
    let lastError: ValentinaError | undefined;
    for (;;) {
      attempt += 1;
      const left = opts.deadline === undefined ? Infinity : opts.deadline - Date.now();
      if (left <= 0) {
        throw lastError ?? new ValentinaNetworkError({ method: spec.method, endpoint: spec.template, detail: 'deadline passed before the request was sent', timedOut: true, notSent: true });
      }
      await this.takeToken(spec, opts, lastError, announce);
      const timeout = Math.min(opts.timeoutMs ?? this.timeoutMs, opts.deadline === undefined ? Infinity : opts.deadline - Date.now());
      let error: ValentinaError;
      try {
        return await sendAttempt(this.pool, this.options, { spec, endpoint, path, headers, body, timeoutMs: timeout, attempt, signal: opts.signal });
      } catch (caught) {
        if (!(caught instanceof ValentinaError)) throw caught;
        error = caught;
        lastError = caught;
      }
      if (spec.method === 'POST' && !definitelyNotApplied(error)) throw outcomeUnknown(error);
      // A write we stopped waiting for may still be running on the server, which has no in-flight
      // lock per idempotency key: retrying now could apply it twice.
      const mayStillRun = isWrite && error instanceof ValentinaNetworkError && error.timedOut;
      if (!error.retryable || mayStillRun || attempt > this.maxRetries || opts.signal?.aborted) throw error;
      // The 429 corrected the budget: the next token says how long to wait, or that it is too long.
      if (error instanceof ValentinaRateLimitError && this.options.budget) continue;
      const delay = this.delayFor(error, attempt);
      if (opts.deadline !== undefined && Date.now() + delay >= opts.deadline) throw error;
      this.options.logger?.debug({ endpoint, attempt, delayMs: Math.round(delay), status: error.status }, 'retrying Valentina request');
      announce({ endpoint, waitMs: delay });
      await sleep(delay, opts.signal);
    }
  }

  /**
   * Takes a budget token for the next attempt, waiting when the budget promises one within the call's
   * wait (and deadline); throws {@link ValentinaBudgetError} when it does not. Tokens a queued write
   * reserved in advance are spent first.
   */
  private async takeToken(spec: CallSpec<z.ZodTypeAny>, opts: RequestOptions, lastError: ValentinaError | undefined, announce: (wait: ReadWait) => void): Promise<void> {
    const budget = this.options.budget;
    if (!budget) return;
    const scope = currentRequestScope();
    if (scope?.prepaid && scope.prepaid.left > 0) {
      scope.prepaid.left -= 1;
      return;
    }
    const priority = opts.priority ?? scope?.priority ?? 'interactive';
    let maxWaitMs = opts.maxWaitMs ?? scope?.maxWaitMs;
    if (opts.deadline !== undefined) maxWaitMs = Math.min(maxWaitMs ?? Infinity, opts.deadline - Date.now() - 1);
    const ticket = await budget.acquire({ priority, ...(maxWaitMs === undefined ? {} : { maxWaitMs: Math.max(0, maxWaitMs) }) });
    if (!ticket.granted) {
      throw new ValentinaBudgetError({
        status: 429,
        detail: 'request budget spent',
        requestId: lastError?.requestId,
        method: spec.method,
        endpoint: spec.template,
        retryAfterMs: ticket.waitMs,
      });
    }
    if (ticket.waitMs > 0) {
      const endpoint = `${spec.method} ${spec.template}`;
      this.options.logger?.debug({ endpoint, priority, waitMs: ticket.waitMs }, 'waiting for a Valentina budget token');
      announce({ endpoint, waitMs: ticket.waitMs });
      await sleep(ticket.waitMs, opts.signal);
    }
  }

  /**
   * Closes the pool, letting requests in flight finish for `graceMs`; past that they are cut (at
   * shutdown a request Valentina holds on to must not keep the process alive).
   */
  async close(graceMs = 500): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const closed = this.pool.close().then(() => true);
    const inTime = await Promise.race([closed, new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs)))]);
    clearTimeout(timer);
    if (!inTime) await this.pool.destroy();
  }

  /** Backoff before the next attempt: the API's own wait for 429s, else exponential with full jitter. */
  delayFor(error: ValentinaError, attempt: number): number {
    const exponential = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    const jittered = this.random() * exponential;
    const asked = (error as { retryAfterMs?: number }).retryAfterMs;
    if (typeof asked === 'number') return Math.min(Math.max(asked, 0) + jittered * 0.1, 60_000);
    return jittered;
  }
}

/** Whether a failed POST certainly did not reach its handler, so sending it again cannot apply it twice. */
function definitelyNotApplied(error: ValentinaError): boolean {
  if (error instanceof ValentinaRateLimitError) return true;
  if (error instanceof ValentinaNetworkError) return error.notSent;
  // Any other answer below 500 is the API's refusal: nothing was applied, and nothing is retried.
  return error.status > 0 && error.status < 500;
}

function outcomeUnknown(error: ValentinaError): ValentinaOutcomeUnknownError {
  const timedOut = error instanceof ValentinaNetworkError && error.timedOut;
  return new ValentinaOutcomeUnknownError({
    status: error.status,
    title: error.title,
    detail: error.status >= 500 ? `Valentina answered ${error.status} after the write was sent` : error.detail,
    requestId: error.requestId,
    method: error.method,
    endpoint: error.endpoint,
    // 504: a gateway stopped waiting, the API may still be working on it.
    mayStillRun: timedOut || error.status === 504,
    cause: error,
  });
}

export function buildPath(template: string, params: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(value);
  });
}

export function buildQuery(query: CallSpec<z.ZodTypeAny>['query']): string {
  if (!query) return '';
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) search.append(key, String(item));
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- an aborted wait rejects with the signal's reason, as node:timers/promises does
      reject(signal.reason);
    }, { once: true });
  });
}
