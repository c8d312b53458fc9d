/**
 * What the Valentina client is given: its options and defaults, the options every call accepts, and a
 * call as the services describe it to the transport (src/valentina/transport.ts).
 */
import type { z } from 'zod';
import type { Logger } from '../logger.js';
import type { RequestBudget } from './budget.js';
import type { RequestPriority } from './priority.js';

/** Options every client method accepts. */
export interface RequestOptions {
  /** Idempotency key for POST/PATCH; one is generated when omitted so the write can be retried safely. */
  idempotencyKey?: string;
  /** Absolute deadline (epoch ms): no attempt starts that cannot finish before it. */
  deadline?: number;
  /** Aborts the call (and any pending retry). */
  signal?: AbortSignal;
  /** Per-attempt timeout in milliseconds (default: the client's `timeoutMs`). */
  timeoutMs?: number;
  /**
   * GET only: read around the API's 60-second response cache (§1.11) with a query parameter the routes
   * ignore but the cache key includes. For reads that must see a write whose answer was lost.
   */
  fresh?: boolean;
  /** Which part of the request budget this call may spend; default the scope's, else `interactive`. */
  priority?: RequestPriority;
  /** Longest wait for a budget token; default the scope's, else the budget's for the priority. */
  maxWaitMs?: number;
}

/** The query parameter of {@link RequestOptions.fresh}: unknown to every route, part of the cache key. */
export const FRESH_QUERY_PARAM = '_fresh';

/** Options of endpoints where the acting user may be given. */
export interface ActingOptions extends RequestOptions {
  onBehalfOf?: string;
}

/** Options of endpoints where the contract requires the acting user. */
export interface ActorOptions extends RequestOptions {
  onBehalfOf: string;
}

export interface ResponseInfo {
  method: string;
  endpoint: string;
  status: number;
  durationMs: number;
  attempt: number;
  requestId: string | undefined;
}

/** Client options and their defaults, documented in one place. */
export interface ValentinaClientOptions {
  /** API origin without `/api/v1`, e.g. `https://api.valentina-noir.com`. */
  baseUrl: string;
  /** Developer API key (sent as `X-API-KEY`; never logged). */
  apiKey: string;
  logger?: Logger;
  /** Per-attempt timeout. Default 10 000 ms. */
  timeoutMs?: number;
  /** Retries after the first attempt for retryable failures. Default 3. */
  maxRetries?: number;
  /** First backoff step. Default 200 ms (doubles each retry, full jitter). */
  baseDelayMs?: number;
  /** Longest single wait between attempts. Default 10 000 ms. */
  maxDelayMs?: number;
  /** Keep-alive connections in the pool. Default 16. */
  connections?: number;
  /** Called after every attempt that got an HTTP answer or failed on the network (for metrics). */
  onResponse?: (info: ResponseInfo) => void;
  /** Called just before each attempt is sent, so a caller can tell whether a write may have reached the API. */
  onSend?: (info: { method: string; endpoint: string }) => void;
  /** Called before the client waits on purpose (a budget token, a retry's backoff), so a caller can tell its user. */
  onWait?: (info: { endpoint: string; waitMs: number }) => void;
  /** Source of randomness for backoff jitter (tests). */
  random?: () => number;
  /** The request budget shared with the deployment's other processes; without one, nothing is metered. */
  budget?: RequestBudget;
}

export interface CallSpec<S extends z.ZodTypeAny> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Templated path after `/api/v1`, e.g. `/companies/{cid}/users/{uid}`. */
  template: string;
  params?: Record<string, string>;
  query?: Record<string, string | number | boolean | readonly string[] | undefined>;
  body?: unknown;
  onBehalfOf?: string | undefined;
  /** Schema of the success body; `null` for 204 responses. */
  schema: S | null;
  /** A probe: always its own request, never answered by an identical one in flight. */
  probe?: boolean;
  options?: RequestOptions;
}
