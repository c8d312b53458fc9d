/** The fake's record of every request it received. */
import { pathMatches } from './faults.js';

export interface LoggedRequest {
  method: string;
  /** Full path, including `/api/v1`. */
  path: string;
  query: Record<string, string | string[]>;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Parsed JSON body; undefined when there was none or it was not JSON. */
  body: unknown;
  /** Response status; null while in flight or when the connection was dropped. */
  status: number | null;
  at: Date;
}

export interface RequestFilter {
  method?: string;
  path?: string | RegExp;
}

export class RequestLog {
  readonly entries: LoggedRequest[] = [];

  add(entry: LoggedRequest): LoggedRequest {
    this.entries.push(entry);
    return entry;
  }

  clear(): void {
    this.entries.length = 0;
  }

  count(filter: RequestFilter = {}): number {
    return this.entries.filter(
      (e) =>
        (filter.method === undefined || filter.method.toUpperCase() === e.method) && pathMatches(filter.path, e.path),
    ).length;
  }
}
