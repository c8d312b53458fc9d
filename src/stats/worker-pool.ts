/**
 * A small pool of worker threads that render statistics charts entirely off the main thread, with a
 * per-render timeout (a stuck worker is terminated and replaced) and a bounded queue.
 *
 * Locating the worker file: this module runs either compiled (`dist/src/stats/worker-pool.js`, plain
 * node) or as TypeScript (`src/stats/worker-pool.ts` under tsx or the test runner). The worker file
 * is always the sibling of this module with the same extension, found through `import.meta.url`, so
 * no path depends on the working directory. A `.ts` worker needs a TypeScript loader inside the new
 * thread: it is started through a small `.mjs` bootstrap that registers tsx (a dev dependency,
 * present exactly when running from source, resolved from this package) before importing it. Compiled code starts
 * the `.js` worker directly and so never needs tsx in production.
 */
import { Worker } from 'node:worker_threads';
import { EmptyStatisticsError, StatsChartInputSchema, hasRolls } from './schema.js';
import type { StatsChartInput } from './schema.js';
import { RenderReplySchema } from './worker-protocol.js';
import type { RenderRequest } from './worker-protocol.js';

export interface ChartWorkerPoolOptions {
  /** Worker threads (1–2 is plenty: one render takes ~20 ms). Default 1. */
  size?: number;
  /** Longest a render may take from submission, queueing included. Default 5000 ms. */
  timeoutMs?: number;
  /** Renders allowed to wait for a free worker before new ones are refused. Default 32. */
  maxQueue?: number;
}

/** A render that waited or ran too long; `retryAfterMs` estimates when the pool has caught up. */
export class ChartRenderTimeoutError extends Error {
  override name = 'ChartRenderTimeoutError';
  constructor(
    readonly timeoutMs: number,
    readonly retryAfterMs = 1000,
  ) {
    super(`Statistics chart was not rendered within ${timeoutMs} ms.`);
  }
}

/** A render refused because the queue is full; `retryAfterMs` estimates when it will have room. */
export class ChartRendererBusyError extends Error {
  override name = 'ChartRendererBusyError';
  constructor(
    readonly queued: number,
    readonly retryAfterMs = 1000,
  ) {
    super(`Statistics chart renderer is busy (${queued} renders waiting).`);
  }
}

/** Time of one render assumed before any has been measured (a worker's start included). */
const FIRST_RENDER_GUESS_MS = 200;

export class ChartWorkerError extends Error {
  override name = 'ChartWorkerError';
}

export interface ChartWorkerPool {
  /** Renders in a worker; `timeoutMs` overrides the pool's timeout for this render. */
  render(input: StatsChartInput, options?: { timeoutMs?: number }): Promise<Buffer>;
  /** Stops all workers; pending and later renders reject. */
  close(): Promise<void>;
}

interface Job {
  request: RenderRequest;
  /** When the job was handed to a worker (for the render-time estimate). */
  startedAt?: number;
  resolve: (png: Buffer) => void;
  reject: (error: Error) => void;
  timeoutMs: number;
  timer?: NodeJS.Timeout;
  slot?: Slot;
}

interface Slot {
  worker: Worker;
  job?: Job;
}

/**
 * How to start the worker beside this module: the compiled `.js` file directly or, from source, the
 * `.ts` file through dev-worker-bootstrap.mjs, which registers tsx inside the new thread first (Node
 * 20 applies neither the parent's loader nor an `--import` flag to a worker's entry module).
 */
export function chartWorkerEntry(moduleUrl: string = import.meta.url): { file: URL; workerData?: { entry: string } } {
  if (!moduleUrl.endsWith('.ts')) return { file: new URL('./chart-worker.js', moduleUrl) };
  return { file: new URL('./dev-worker-bootstrap.mjs', moduleUrl), workerData: { entry: new URL('./chart-worker.ts', moduleUrl).href } };
}

export function createChartWorkerPool(options: ChartWorkerPoolOptions = {}): ChartWorkerPool {
  const size = Math.min(Math.max(Math.trunc(options.size ?? 1), 1), 4);
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxQueue = options.maxQueue ?? 32;
  const entry = chartWorkerEntry();
  const slots: Slot[] = [];
  const queue: Job[] = [];
  let nextId = 1;
  let closed = false;
  /** Moving average of one render's duration in a worker. */
  let renderMs = FIRST_RENDER_GUESS_MS;

  /** How long until the renders now waiting and running are done, at the measured pace. */
  function backlogMs(): number {
    const running = slots.filter((s) => s.job).length;
    return Math.max(1000, Math.ceil(((queue.length + running) * renderMs) / size));
  }

  function spawn(): Slot {
    const slot: Slot = { worker: new Worker(entry.file, { workerData: entry.workerData, execArgv: [] }) };
    slot.worker.unref();
    slot.worker.on('message', (message: unknown) => onReply(slot, message));
    slot.worker.on('error', (error) => retire(slot, new ChartWorkerError(`Chart worker failed: ${error.message}`)));
    slot.worker.on('exit', (code) => retire(slot, new ChartWorkerError(`Chart worker exited with code ${code}`)));
    slots.push(slot);
    return slot;
  }

  /** Drops a broken or stuck worker, failing its job; the next dispatch starts a fresh one. */
  function retire(slot: Slot, error: Error): void {
    const index = slots.indexOf(slot);
    if (index === -1) return;
    slots.splice(index, 1);
    slot.worker.removeAllListeners();
    slot.worker.on('error', () => undefined);
    void slot.worker.terminate();
    if (slot.job) finish(slot.job, error);
    dispatch();
  }

  function finish(job: Job, outcome: Buffer | Error): void {
    clearTimeout(job.timer);
    if (job.slot) {
      job.slot.job = undefined;
      job.slot.worker.unref();
      job.slot = undefined;
    }
    if (outcome instanceof Error) job.reject(outcome);
    else job.resolve(outcome);
  }

  function onReply(slot: Slot, message: unknown): void {
    const job = slot.job;
    const reply = RenderReplySchema.safeParse(message);
    if (!job || !reply.success || reply.data.id !== job.request.id) {
      retire(slot, new ChartWorkerError('Chart worker sent an unexpected reply'));
      return;
    }
    const data = reply.data;
    if (job.startedAt !== undefined) renderMs = 0.8 * renderMs + 0.2 * (performance.now() - job.startedAt);
    if (data.ok) finish(job, Buffer.from(data.png.buffer, data.png.byteOffset, data.png.byteLength));
    else finish(job, data.name === 'EmptyStatisticsError' ? new EmptyStatisticsError() : new ChartWorkerError(`${data.name}: ${data.message}`));
    dispatch();
  }

  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      const slot = slots.find((s) => !s.job) ?? (slots.length < size ? spawn() : undefined);
      if (!slot) return;
      const job = queue.shift()!;
      slot.job = job;
      job.slot = slot;
      job.startedAt = performance.now();
      slot.worker.ref();
      slot.worker.postMessage(job.request);
    }
  }

  function onTimeout(job: Job): void {
    const queued = queue.indexOf(job);
    if (queued !== -1) queue.splice(queued, 1);
    const error = new ChartRenderTimeoutError(job.timeoutMs, backlogMs());
    if (job.slot) retire(job.slot, error);
    else finish(job, error);
  }

  return {
    render(input, renderOptions = {}) {
      return new Promise<Buffer>((resolve, reject) => {
        if (closed) throw new ChartWorkerError('Chart worker pool is closed');
        const stats = StatsChartInputSchema.parse(input);
        if (!hasRolls(stats)) throw new EmptyStatisticsError();
        if (queue.length >= maxQueue) throw new ChartRendererBusyError(queue.length, backlogMs());
        const job: Job = { request: { id: nextId++, input: stats }, resolve, reject, timeoutMs: renderOptions.timeoutMs ?? timeoutMs };
        job.timer = setTimeout(() => onTimeout(job), job.timeoutMs);
        queue.push(job);
        dispatch();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) finish(job, new ChartWorkerError('Chart worker pool is closed'));
      const running = slots.splice(0);
      for (const slot of running) {
        slot.worker.removeAllListeners();
        if (slot.job) finish(slot.job, new ChartWorkerError('Chart worker pool is closed'));
      }
      await Promise.all(running.map((slot) => slot.worker.terminate()));
    },
  };
}
