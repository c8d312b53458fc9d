/**
 * The `workers` readiness check of a process with the `worker` role: ready once every queue worker it
 * started is connected to Redis and running, so `/readyz` never says ready before jobs can be taken.
 */
import type { RunningWorker } from './worker-module.js';

interface Tracked {
  name: string;
  state: 'starting' | 'connected' | 'failed';
  worker?: Pick<RunningWorker, 'isRunning'>;
}

export class WorkerReadiness {
  private readonly tracked: Tracked[] = [];
  private readonly settling: Array<Promise<void>> = [];

  /** Follows one worker from its start (which may fail) until its Redis connections answer. */
  track(name: string, started: Promise<Pick<RunningWorker, 'waitUntilReady' | 'isRunning'>>): void {
    const entry: Tracked = { name, state: 'starting' };
    this.tracked.push(entry);
    const settled = started
      .then(async (worker) => {
        await worker.waitUntilReady();
        entry.worker = worker;
        entry.state = 'connected';
      })
      .catch(() => void (entry.state = 'failed'));
    this.settling.push(settled);
  }

  /** Resolves once every worker tracked so far is connected or failed to start (never rejects). */
  async settled(): Promise<void> {
    await Promise.all(this.settling);
  }

  /** `true` once every tracked worker runs; else which ones do not (yet). */
  readonly check = async (): Promise<true | string> => {
    if (this.tracked.length === 0) return 'not started yet';
    const failed = this.tracked.filter((t) => t.state === 'failed').map((t) => t.name);
    if (failed.length > 0) return `failed to start: ${failed.join(', ')}`;
    const waiting = this.tracked.filter((t) => t.state !== 'connected' || !t.worker?.isRunning()).map((t) => t.name);
    return waiting.length === 0 ? true : `not running: ${waiting.join(', ')}`;
  };
}
