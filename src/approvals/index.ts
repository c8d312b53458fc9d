/** The approval worker, run by the worker registry in processes with the `worker` role. */
import type { WorkerModule } from '../queue/worker-module.js';
import { startApprovalWorker } from './worker.js';

export const approvalWorker: WorkerModule = {
  name: 'approvals',
  start: (deps, connection) => startApprovalWorker(deps, connection),
  depth: (deps) => deps.approvals.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'),
};
