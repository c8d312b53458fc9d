/** Route table types and path matching for the fake API. */
import type { DiceSource } from './dice.js';
import type { DiscordVerifier } from './discord.js';
import type { CompanyRow, UserRow } from './model.js';
import type { FakeStore } from './store.js';

/**
 * How a route treats `On-Behalf-Of` (§0, §2.2): `required` (400 when absent), `required403`
 * (403 when absent: character routes), `optional`, `none` (never read), `identify` (optional and
 * UNAPPROVED users pass).
 */
export type OboMode = 'required' | 'required403' | 'optional' | 'none' | 'identify';

export interface RouteContext {
  store: FakeStore;
  dice: DiceSource;
  verifyDiscord: DiscordVerifier;
  params: Record<string, string>;
  query: URLSearchParams;
  /** Parsed JSON body; undefined when the request had none. */
  body: unknown;
  /** Set when the request body was present but not JSON. */
  bodyInvalid: boolean;
  /** The company of `{company_id}` (routes under /companies/{cid} only). */
  company: CompanyRow;
  /** The acting user named by On-Behalf-Of, or null. */
  actor: UserRow | null;
}

export interface RouteResult {
  status: number;
  /** Omitted for an empty body (204). */
  body?: unknown;
  /** A route audited by hand changed something: the response cache is flushed as after an audited write. */
  flushesCache?: boolean;
}

export interface Route {
  /** Contract id, e.g. `X2`. */
  id: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path after /api/v1 with `:name` parameters. */
  pattern: string;
  obo: OboMode;
  /** Served with `Cache-Control: private, max-age=60`. */
  cached?: boolean;
  /** Successful calls bump `resources_modified_at` of the company (audited writes). */
  audit?: boolean;
  /** Also spends the `user_registration` bucket. */
  identify?: boolean;
  handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export interface CompiledRoute extends Route {
  segments: string[];
}

export type RouteMatch =
  | { kind: 'found'; route: CompiledRoute; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'not-found' };

export function compile(routes: Route[]): CompiledRoute[] {
  const compiled = routes.map((r) => ({ ...r, segments: r.pattern.split('/').filter(Boolean) }));
  // Static segments win over parameters at the same position (`users/unapproved` before `users/:user_id`).
  const weight = (r: CompiledRoute) => r.segments.map((s) => (s.startsWith(':') ? '1' : '0')).join('');
  return compiled.sort((a, b) => weight(a).localeCompare(weight(b)));
}

function matchSegments(route: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  if (route.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i += 1) {
    const seg = route.segments[i] ?? '';
    const part = parts[i] ?? '';
    if (seg.startsWith(':')) params[seg.slice(1)] = decodeURIComponent(part);
    else if (seg !== part) return undefined;
  }
  return params;
}

export function matchRoute(routes: CompiledRoute[], method: string, path: string): RouteMatch {
  const parts = path.split('/').filter(Boolean);
  let pathMatched = false;
  for (const route of routes) {
    const params = matchSegments(route, parts);
    if (!params) continue;
    pathMatched = true;
    if (route.method === method) return { kind: 'found', route, params };
  }
  return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
}
