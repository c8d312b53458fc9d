/**
 * Valentina's readiness without spending the request budget on it: the bot's own requests say whether
 * Valentina answers. Any HTTP answer below 500 (a 404 or a 429 included) shows it is up; a 5xx or a
 * network failure counts against it, and {@link FAILURES_TO_FAIL} of them in a row with no answer in
 * between make it "not answering". Only when no request was made for {@link IDLE_AFTER_MS} does the
 * check ask `GET /health` itself — at background priority, so only from the budget's spare tokens,
 * and at most once per idle period; with no spare token it keeps the last verdict.
 *
 * {@link ValentinaHealth.status} says the same in plain words for `/status`: answering normally, slow
 * (recent answers took over {@link SLOW_AFTER_MS} on average), or not answering since when.
 */
import { ValentinaBudgetError } from '../valentina/index.js';
import type { CheckResult, ReadinessCheck } from './health.js';

export const IDLE_AFTER_MS = 30_000;
export const FAILURES_TO_FAIL = 3;
/** Answers slower than this on average (recent ones weigh most) make Valentina "slow". */
export const SLOW_AFTER_MS = 2_000;
/** Weight of the newest answer in the average latency. */
const LATENCY_WEIGHT = 0.3;

/** Valentina as a player is told about it; `since` (epoch ms) is when the first of the failures in a row happened. */
export type ValentinaStatus =
  | { state: 'normal' | 'unknown' }
  | { state: 'slow'; averageMs: number }
  | { state: 'degraded' }
  | { state: 'down'; since: number };

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
  private firstFailureAt: number | null = null;
  private averageMs: number | null = null;
  private probing: { at: number; result: Promise<CheckResult> } | undefined;

  constructor(private readonly options: ValentinaHealthOptions) {
    this.now = options.now ?? Date.now;
    this.idleAfterMs = options.idleAfterMs ?? IDLE_AFTER_MS;
  }

  /** Records the outcome of one attempt (the client's `onResponse`; status 0 is a network failure). */
  record(status: number, durationMs?: number): void {
    this.lastSeen = this.now();
    const failed = status === 0 || status >= 500;
    if (failed && this.failures === 0) this.firstFailureAt = this.lastSeen;
    this.failures = failed ? this.failures + 1 : 0;
    if (failed || durationMs === undefined) return;
    this.firstFailureAt = null;
    this.averageMs = this.averageMs === null ? durationMs : this.averageMs + LATENCY_WEIGHT * (durationMs - this.averageMs);
  }

  /**
   * Valentina in plain words. From recent traffic when there is some (no request made); when idle, the
   * readiness check's one probe decides.
   */
  async status(): Promise<ValentinaStatus> {
    if (this.now() - this.lastSeen >= this.idleAfterMs) {
      const result = await this.check();
      if (result === 'degraded') return { state: 'degraded' };
      if (typeof result === 'string') return { state: 'down', since: this.firstFailureAt ?? this.now() };
    }
    if (this.failures >= FAILURES_TO_FAIL) return { state: 'down', since: this.firstFailureAt ?? this.lastSeen };
    if (this.lastSeen === -Infinity) return { state: 'unknown' };
    if (this.averageMs !== null && this.averageMs > SLOW_AFTER_MS) return { state: 'slow', averageMs: Math.round(this.averageMs) };
    return { state: 'normal' };
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

