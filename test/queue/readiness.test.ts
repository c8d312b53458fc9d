/** The `workers` readiness check (src/queue/readiness.ts): ready only once every queue worker is connected and running. */
import { describe, expect, it } from 'vitest';
import { WorkerReadiness } from '../../src/queue/readiness.js';

/** A worker whose Redis connections answer when `connect()` is called, and that stops running when closed. */
function worker() {
  let connect!: () => void;
  const connected = new Promise<void>((resolve) => (connect = resolve));
  let running = true;
  return { connect, close: () => (running = false), waitUntilReady: () => connected, isRunning: () => running };
}

describe('WorkerReadiness', () => {
  it('is not ready before any worker started, nor while one is still connecting', async () => {
    const readiness = new WorkerReadiness();
    expect(await readiness.check()).toBe('not started yet');
    const [deliveries, notes] = [worker(), worker()];
    readiness.track('deliveries', Promise.resolve(deliveries));
    readiness.track('notes', Promise.resolve(notes));
    expect(await readiness.check()).toBe('not running: deliveries, notes');
    deliveries.connect();
    await deliveries.waitUntilReady();
    expect(await readiness.check()).toBe('not running: notes');
    notes.connect();
    await readiness.settled();
    expect(await readiness.check()).toBe(true);
  });

  it('names a worker that failed to start, and one that stopped running', async () => {
    const failing = new WorkerReadiness();
    failing.track('approvals', Promise.reject(new Error('no connection')));
    await failing.settled();
    expect(await failing.check()).toBe('failed to start: approvals');

    const stopping = new WorkerReadiness();
    const xp = worker();
    stopping.track('xp-writes', Promise.resolve(xp));
    xp.connect();
    await stopping.settled();
    expect(await stopping.check()).toBe(true);
    xp.close();
    expect(await stopping.check()).toBe('not running: xp-writes');
  });
});
