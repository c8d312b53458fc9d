/** A minimal HTTP caller for the fake's tests: real requests over loopback with undici. */
import { request } from 'undici';
import type { FakeValentina } from '../../packages/sandbox/src/fake-valentina/index.js';

export interface CallOptions {
  obo?: string;
  body?: unknown;
  /** Exact bytes to send instead of JSON.stringify(body). */
  rawBody?: string;
  idempotencyKey?: string;
  apiKey?: string | null;
  headers?: Record<string, string>;
  query?: Record<string, string | string[]>;
}

export interface CallResult<T = Record<string, unknown>> {
  status: number;
  headers: Record<string, string>;
  body: T;
  text: string;
}

export type Caller = <T = Record<string, unknown>>(method: string, path: string, options?: CallOptions) => Promise<CallResult<T>>;

/** Calls `path` (after /api/v1) on the fake. */
export function caller(fake: FakeValentina): Caller {
  return async <T>(method: string, path: string, options: CallOptions = {}) => {
    const url = new URL(`${fake.url}/api/v1${path}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      for (const v of Array.isArray(value) ? value : [value]) url.searchParams.append(key, v);
    }
    const headers: Record<string, string> = { ...options.headers };
    const apiKey = options.apiKey === undefined ? fake.apiKey : options.apiKey;
    if (apiKey !== null) headers['x-api-key'] = apiKey;
    if (options.obo !== undefined) headers['on-behalf-of'] = options.obo;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    const payload = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    if (payload !== undefined) headers['content-type'] = 'application/json';
    const response = await request(url, { method: method as 'GET', headers, body: payload });
    const text = await response.body.text();
    const flat: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    const json = text !== '' && !flat['content-type']?.startsWith('text/');
    return { status: response.statusCode, headers: flat, body: (json ? JSON.parse(text) : undefined) as T, text };
  };
}
