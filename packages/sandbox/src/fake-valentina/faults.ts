/**
 * Switchable faults for client tests: latency, synthetic statuses and dropped connections, before or
 * after the request was applied.
 *
 * - `status`: answers without running the request.
 * - `drop`: closes the connection without running the request.
 * - `drop-after-apply`: runs the request, stores its idempotent answer, then closes the connection
 *   (the answer was lost on the wire: a retry with the same key is replayed).
 * - `apply-then-drop`: runs the request and closes the connection before the answer is stored (the
 *   process died after the commit: a retry with the same key runs again).
 * - `apply-then-status`: runs the request, stores nothing and answers 500 (the API's plain body, as an
 *   exception after the commit gives), or 502/503 (a proxy's page, no request id).
 * - `latency-after-apply`: runs the request, then waits before answering (a client timeout after the commit).
 * - `hold`: waits, before running the request, until `until` settles or the client goes away (then nothing runs):
 *   a test decides when the answer may go out, instead of guessing a latency.
 */

export type FaultRule = {
  method?: string;
  /** Exact path (with or without the `/api/v1` prefix) or a pattern tested against the full path. */
  path?: string | RegExp;
  /** How many matching requests the rule affects; default 1. */
  times?: number;
  /** Kinds that apply the request: runs once it was applied, before the (lost or failed) answer goes out. */
  afterApply?: () => void;
} & (
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: number; retryAfter?: number }
  | { kind: 'drop' }
  | { kind: 'drop-after-apply' }
  | { kind: 'apply-then-drop' }
  | { kind: 'apply-then-status'; status: 500 | 502 | 503 }
  | { kind: 'latency-after-apply'; ms: number }
  | { kind: 'hold'; until: Promise<unknown> }
);


interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export function pathMatches(matcher: string | RegExp | undefined, path: string): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === 'string') return path === matcher || path === `/api/v1${matcher}`;
  matcher.lastIndex = 0;
  return matcher.test(path);
}

export class FaultController {
  private rules: ActiveRule[] = [];

  inject(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.times ?? 1 });
  }

  /** Holds the matching requests (a `hold` rule) until the returned function is called. */
  hold(match: Pick<FaultRule, 'method' | 'path' | 'times'>): () => void {
    let release!: () => void;
    const until = new Promise<void>((resolve) => (release = resolve));
    this.inject({ ...match, kind: 'hold', until });
    return release;
  }

  clear(): void {
    this.rules = [];
  }

  /** Number of rules that can still fire. */
  get pending(): number {
    return this.rules.length;
  }

  /** Consumes and returns the matching faults for a request, in injection order. */
  take(method: string, path: string): FaultRule[] {
    const fired: FaultRule[] = [];
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.method !== undefined && rule.method.toUpperCase() !== method) continue;
      if (!pathMatches(rule.path, path)) continue;
      active.remaining -= 1;
      fired.push(rule);
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return fired;
  }
}
