/**
 * What an interaction has done so far, readable from anywhere below its handler without threading it
 * through every call: the router runs each interaction inside a scope, and the Valentina client notes
 * every write it sends (its `onSend` hook). At shutdown the router uses this to tell a user whose
 * command was cut short whether their change may have been applied. When the client knows it must
 * wait (a budget token, a retry's backoff, a lock another change holds), the scope's `onWait` lets the router defer at once rather
 * than when its clock runs out, which under load can be too late for Discord's 3 s.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface InteractionScope {
  /** POST/PATCH/DELETE requests sent to Valentina on behalf of this interaction. */
  writesSent: number;
  /** Called when a Valentina call of this interaction is about to wait on purpose. */
  onWait?: () => void;
}

const storage = new AsyncLocalStorage<InteractionScope>();

export function newInteractionScope(onWait?: () => void): InteractionScope {
  return onWait ? { writesSent: 0, onWait } : { writesSent: 0 };
}

/** Runs `work` (and everything it awaits) inside `scope`. */
export function runInInteractionScope<T>(scope: InteractionScope, work: () => Promise<T>): Promise<T> {
  return storage.run(scope, work);
}

/** Notes that a request is being sent; only writes count. Outside an interaction it does nothing. */
export function noteRequestSent(method: string): void {
  if (method === 'GET') return;
  const scope = storage.getStore();
  if (scope) scope.writesSent += 1;
}

/** Waits shorter than this are not worth a deferral: the router's own clock covers them. */
export const WAIT_WORTH_DEFERRING_MS = 200;

/** Notes that a Valentina call is about to wait `waitMs`. Outside an interaction it does nothing. */
export function noteRequestWaiting(waitMs: number): void {
  if (waitMs < WAIT_WORTH_DEFERRING_MS) return;
  noteWaiting();
}

/**
 * Notes that the interaction is about to wait for someone else's work of unknown length (a lock another
 * change holds). Outside an interaction it does nothing.
 */
export function noteWaiting(): void {
  storage.getStore()?.onWait?.();
}
