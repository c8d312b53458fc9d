/**
 * Identical reads in flight share one request (single-flight): a GET that asks for exactly what a GET
 * already on its way asks for — the same path and query, the same acting user, the same budget terms —
 * waits for that one's answer instead of spending a budget token of its own. A burst of commands of one
 * user (the same `/xp show` thirty times) then reads each thing once.
 *
 * The answer is no older than the one the caller would have had: it was asked for while the caller was
 * already waiting for it. Reads that must see a write (`fresh`) go on their own, and so does a read
 * that starts after a write of this client began: it never joins a read that may have left before the
 * write. A read with its own deadline or abort signal goes on its own too (its limits are its own), and
 * so does a probe (the health check asks Valentina itself each time).
 * Each caller after the first gets its own copy of the answer, so no caller sees another's changes.
 */
import { AsyncResource } from 'node:async_hooks';

/** A wait the first caller's request is about to make (a budget token, a retry's backoff). */
export interface ReadWait {
  endpoint: string;
  waitMs: number;
}

/** What decides whether two reads are the same. */
export interface ReadIdentity {
  /** The path with its query, as sent. */
  path: string;
  onBehalfOf: string | undefined;
  /** The budget terms: priority, longest wait, whether reserved tokens pay for it. */
  terms: string;
}

interface Flight {
  answer: Promise<unknown>;
  /** Callers that joined, each told in its own context when the request waits. */
  joined: Array<(wait: ReadWait) => void>;
  /** The wait announced so far, for callers that join later. */
  waiting: ReadWait | undefined;
}

export class SharedReads {
  private readonly flights = new Map<string, Flight>();
  /** Writes begun or ended so far: part of a read's key, so no read joins one from before a write. */
  private writes = 0;

  /** Notes that a write begins or ends. */
  wrote(): void {
    this.writes += 1;
  }

  /**
   * `send`'s answer, or the answer of the identical read in flight. `send` gets the function to call
   * before it waits on purpose; `onWait` is this caller's own (called in its own context).
   */
  run<T>(identity: ReadIdentity, onWait: ((wait: ReadWait) => void) | undefined, send: (announce: (wait: ReadWait) => void) => Promise<T>): Promise<T> {
    const key = JSON.stringify([this.writes, identity.path, identity.onBehalfOf ?? '', identity.terms]);
    const flying = this.flights.get(key);
    if (flying) {
      if (onWait) {
        const tell = AsyncResource.bind(onWait);
        flying.joined.push(tell);
        if (flying.waiting) tell(flying.waiting);
      }
      return flying.answer.then((answer) => structuredClone(answer) as T);
    }
    const flight: Flight = { answer: Promise.resolve(), joined: [], waiting: undefined };
    const announce = (wait: ReadWait) => {
      flight.waiting = wait;
      onWait?.(wait);
      for (const tell of flight.joined) tell(wait);
    };
    const answer = send(announce).finally(() => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    });
    flight.answer = answer;
    this.flights.set(key, flight);
    return answer;
  }
}
