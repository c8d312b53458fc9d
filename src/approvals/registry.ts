/** One approval queue producer per process, on the shared BullMQ connection. */
import type { BotDeps } from '../discord/types.js';
import { queuePrefix } from '../queue/connection.js';
import { ApprovalQueue } from './queue.js';

const queues = new WeakMap<BotDeps, ApprovalQueue>();

export function approvalQueueFor(deps: BotDeps): ApprovalQueue {
  let queue = queues.get(deps);
  if (!queue) {
    queue = new ApprovalQueue(deps.queueConnection, queuePrefix(deps.config.redis.prefix));
    queues.set(deps, queue);
  }
  return queue;
}
