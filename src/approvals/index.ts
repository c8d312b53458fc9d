/**
 * Approvals wiring: a Valentina account created by `/link` asks for a request to be posted, and the
 * worker registry runs the approval worker in processes with the `worker` role.
 */
import type { WorkerModule } from '../queue/worker-module.js';
import { onAccountCreatedDo } from '../identity/hooks.js';
import { approvalQueueFor } from './registry.js';
import { startApprovalWorker } from './worker.js';

onAccountCreatedDo(async (user, _state, deps) => {
  await approvalQueueFor(deps).enqueue({ companyId: user.company_id, userId: user.id });
});

export const approvalWorker: WorkerModule = {
  name: 'approvals',
  start: (deps, connection) => startApprovalWorker(deps, connection),
  depth: (deps) => approvalQueueFor(deps).queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'),
};
