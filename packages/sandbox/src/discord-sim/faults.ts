/** Injected HTTP failures, so tests can exercise the bot's retry paths. */

export interface FaultRule {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Matched against the path after `/api[/vN]`, e.g. /channels/123/messages. */
  path?: RegExp;
  /** How many matching requests fail; default 1. */
  times?: number;
  status: 500 | 503 | 429;
  /** For 429: seconds in `Retry-After`; default 0.05. */
  retryAfterSeconds?: number;
}

export interface FaultHit {
  status: number;
  retryAfterSeconds: number;
}

interface ArmedFault {
  rule: FaultRule;
  remaining: number;
}

export class FaultInjector {
  readonly #armed: ArmedFault[] = [];

  inject(rule: FaultRule): void {
    this.#armed.push({ rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.#armed.length = 0;
  }

  /** Consumes and returns the first fault matching the request, if any. */
  take(method: string, path: string): FaultHit | undefined {
    const index = this.#armed.findIndex(
      ({ rule }) =>
        (rule.method === undefined || rule.method.toUpperCase() === method) &&
        (rule.path === undefined || rule.path.test(path)),
    );
    const armed = this.#armed[index];
    if (!armed) return undefined;
    armed.remaining -= 1;
    if (armed.remaining <= 0) this.#armed.splice(index, 1);
    return { status: armed.rule.status, retryAfterSeconds: armed.rule.retryAfterSeconds ?? 0.05 };
  }
}
