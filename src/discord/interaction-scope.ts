/**
 * What an interaction has done so far, readable from anywhere below its handler without threading it
 * through every call: the router runs each interaction inside a scope, and the Valentina client notes
 * every write it sends (its `onSend` hook). At shutdown the router uses this to tell a user whose
 * command was cut short whether their change may have been applied.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface InteractionScope {
  /** POST/PATCH/DELETE requests sent to Valentina on behalf of this interaction. */
  writesSent: number;
}

const storage = new AsyncLocalStorage<InteractionScope>();

export function newInteractionScope(): InteractionScope {
  return { writesSent: 0 };
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
