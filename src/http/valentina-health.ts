/**
 * Valentina's readiness without spending the request budget on it: the bot's own requests say whether
 * Valentina answers. Any HTTP answer below 500 (a 404 or a 429 included) shows it is up; a 5xx or a
 * network failure counts against it, and {@link FAILURES_TO_FAIL} of them in a row with no answer in
 * between make it "not answering". Only when no request was made for {@link IDLE_AFTER_MS} does the
 * check ask `GET /health` itself — at background priority, so only from the budget's spare tokens,
 * and at most once per idle period; with no spare token it keeps the last verdict.
 */
import { ValentinaBudgetError } from '../valentina/index.js';
import type { CheckResult, ReadinessCheck } from './health.js';

export const IDLE_AFTER_MS = 30_000;
export const FAILURES_TO_FAIL = 3;

export interface ValentinaHealthOptions {
  /** Asks Valentina directly (background priority); resolves like a readiness check. */
  probe: () => Promise<CheckResult>;
  now?: () => number;
  idleAfterMs?: number;
}

export class ValentinaHealth {
  private readonly now: () => number;
  private readonly idleAfterMs: number;
  private lastSeen = -Infinity;
  private failures = 0;
  private probing: { at: number; result: Promise<CheckResult> } | undefined;

  constructor(private readonly options: ValentinaHealthOptions) {
    this.now = options.now ?? Date.now;
    this.idleAfterMs = options.idleAfterMs ?? IDLE_AFTER_MS;
  }

  /** Records the outcome of one attempt (the client's `onResponse`; status 0 is a network failure). */
  record(status: number): void {
    this.lastSeen = this.now();
    this.failures = status === 0 || status >= 500 ? this.failures + 1 : 0;
  }

  /** The readiness check: the verdict of recent traffic, or one probe when there was none. */
  readonly check: ReadinessCheck = async () => {
    const now = this.now();
    if (now - this.lastSeen < this.idleAfterMs) return this.verdict();
    if (!this.probing || now - this.probing.at >= this.idleAfterMs) {
      const verdict = this.verdict();
      this.probing = {
        at: now,
        result: this.options.probe().catch((error: unknown) =>
          error instanceof ValentinaBudgetError ? (verdict === true ? { note: 'ok (not checked: no spare request budget)' } : verdict) : 'failed',
        ),
      };
    }
    return this.probing.result;
  };

  private verdict(): true | string {
    return this.failures >= FAILURES_TO_FAIL ? 'not answering' : true;
  }
}

