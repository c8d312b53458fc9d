/**
 * Background workers started by processes with the `worker` role. Each feature that consumes a queue
 * appends one entry; `src/app.ts` starts them all, reports their queue depth on /metrics and closes
 * them on shutdown.
 */
import { approvalWorker } from '../approvals/index.js';
import { notesWorker } from '../notes/queue.js';
import { xpWorker } from '../experience/queued.js';
import { xpSessionWorker } from '../experience/session-run.js';
import { rollRequestWorker } from '../rolls/expiry.js';
import type { WorkerModule } from './worker-module.js';

export const workers: WorkerModule[] = [approvalWorker, notesWorker, xpWorker, xpSessionWorker, rollRequestWorker];
