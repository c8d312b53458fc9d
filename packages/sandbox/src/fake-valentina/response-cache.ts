/**
 * The server-side response cache of §1.11: GETs of routes marked "Cached" are answered from memory for
 * 60 seconds. The key is the API key, the raw `On-Behalf-Of` value, the method, the path and the query
 * with its parameters sorted by name (Litestar's default key builder), so any extra query parameter —
 * which the routes otherwise ignore — reads around the cache. Only 2xx answers are stored. A successful
 * audited write flushes the API key's whole cache after its answer was sent; a write that fails, or whose
 * answer never left, flushes nothing.
 */
import { createHash } from 'node:crypto';

export const RESPONSE_CACHE_TTL_MS = 60_000;

export interface CachedResponse {
  status: number;
  body: Buffer | undefined;
  contentType: string | undefined;
}

interface Entry {
  response: CachedResponse;
  expiresAt: number;
}

const fingerprint = (apiKey: string) => createHash('sha256').update(apiKey).digest('hex');

/** Path plus the query sorted by parameter name, as the live API's cache key builder reads a request. */
export function pathAndSortedQuery(url: URL): string {
  const pairs = [...url.searchParams.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return url.pathname + new URLSearchParams(pairs).toString();
}

export class ResponseCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number,
    /** `false` answers every GET fresh (the "always fresh" simplification §6.10 allows). */
    public enabled = true,
  ) {}

  private key(apiKey: string, onBehalfOf: string | undefined, method: string, url: URL): string {
    return [fingerprint(apiKey), onBehalfOf ?? '', method, pathAndSortedQuery(url)].join('\u0000');
  }

  lookup(apiKey: string, onBehalfOf: string | undefined, method: string, url: URL): CachedResponse | undefined {
    if (!this.enabled) return undefined;
    const id = this.key(apiKey, onBehalfOf, method, url);
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(id);
      return undefined;
    }
    return entry.response;
  }

  store(apiKey: string, onBehalfOf: string | undefined, method: string, url: URL, response: CachedResponse): void {
    if (!this.enabled || response.status < 200 || response.status > 299) return;
    this.entries.set(this.key(apiKey, onBehalfOf, method, url), { response, expiresAt: this.now() + RESPONSE_CACHE_TTL_MS });
  }

  /** Drops every answer cached for `apiKey` (the fake has one key, so: everything of it). */
  flush(apiKey: string): void {
    const prefix = `${fingerprint(apiKey)}\u0000`;
    for (const id of this.entries.keys()) if (id.startsWith(prefix)) this.entries.delete(id);
  }

  clear(): void {
    this.entries.clear();
  }
}
