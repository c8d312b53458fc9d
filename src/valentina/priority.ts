/**
 * Which part of the request budget a Valentina call may spend, set once around a piece of work rather
 * than passed to every call: everything awaited inside {@link withRequestPriority} runs with it.
 *
 *   interactive — a person is waiting (commands, buttons, the link page): spends any token, and waits a
 *                 little when none is left;
 *   background  — nobody is waiting (approval posting and reconciliation, note saving, idle health
 *                 checks): spends only what is left above the reserve kept for commands, never waits.
 *
 * Work outside any scope counts as interactive. A call's own `priority` option wins over the scope.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export type RequestPriority = 'interactive' | 'background';

export interface RequestScope {
  priority: RequestPriority;
  /** Longest wait for a token before the call fails with ValentinaBudgetError; default: the budget's, by priority. */
  maxWaitMs?: number;
  /** Tokens taken in advance (a queued write reserved its calls when it was queued); spent before the budget's. */
  prepaid?: { left: number };
}

const storage = new AsyncLocalStorage<RequestScope>();

/** Runs `work` (and everything it awaits) with `scope`. */
export function withRequestPriority<T>(scope: RequestPriority | RequestScope, work: () => Promise<T>): Promise<T> {
  return storage.run(typeof scope === 'string' ? { priority: scope } : scope, work);
}

/** The scope the current call runs in, if any. */
export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}
