/**
 * Idempotency keys as the API implements them (§1.10): the cache key is (API key hash, idempotency
 * key, method, path); only 2xx responses up to 1 MiB are stored, for one hour, with a SHA-256 of the
 * raw request body; there is no in-flight lock.
 */
import { createHash } from 'node:crypto';

const TTL_MS = 60 * 60 * 1000;
const MAX_STORED_BYTES = 1024 * 1024;

export interface StoredResponse {
  status: number;
  body: Buffer;
  contentType: string | undefined;
  cacheControl: string;
}

interface Entry {
  bodyHash: string;
  response: StoredResponse;
  expiresAt: number;
}

export type IdempotencyLookup =
  | { kind: 'miss' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'conflict' };

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

export class IdempotencyCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number) {}

  static applies(method: string): boolean {
    return method === 'POST' || method === 'PUT' || method === 'PATCH';
  }

  private cacheKey(apiKey: string, key: string, method: string, path: string): string {
    return [sha256(apiKey), key, method, path].join('\u0000');
  }

  lookup(apiKey: string, key: string, method: string, path: string, rawBody: Buffer): IdempotencyLookup {
    const id = this.cacheKey(apiKey, key, method, path);
    const entry = this.entries.get(id);
    if (!entry) return { kind: 'miss' };
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return { kind: 'miss' };
    }
    return entry.bodyHash === sha256(rawBody) ? { kind: 'replay', response: entry.response } : { kind: 'conflict' };
  }

  store(apiKey: string, key: string, method: string, path: string, rawBody: Buffer, response: StoredResponse): void {
    if (response.status < 200 || response.status > 299 || response.body.length > MAX_STORED_BYTES) return;
    this.entries.set(this.cacheKey(apiKey, key, method, path), {
      bodyHash: sha256(rawBody),
      response,
      expiresAt: this.now() + TTL_MS,
    });
  }
}
