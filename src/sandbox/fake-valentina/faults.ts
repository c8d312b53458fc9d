/** Switchable faults for client tests: latency, synthetic statuses and dropped connections. */

export type FaultRule = {
  method?: string;
  /** Exact path (with or without the `/api/v1` prefix) or a pattern tested against the full path. */
  path?: string | RegExp;
  /** How many matching requests the rule affects; default 1. */
  times?: number;
} & (
  | { kind: 'latency'; ms: number }
  | { kind: 'status'; status: number; retryAfter?: number }
  | { kind: 'drop' }
  | { kind: 'drop-after-apply' }
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
