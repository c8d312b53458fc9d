/** One approval queue producer per process, on the shared BullMQ connection. */
import type { BotDeps } from '../discord/types.js';
import { queuePrefix } from '../queue/connection.js';
import { ApprovalQueue } from './queue.js';

const queues = new WeakMap<BotDeps, ApprovalQueue>();

export function approvalQueueFor(deps: BotDeps): ApprovalQueue {
  let queue = queues.get(deps);
  if (!queue) {
    queue = new ApprovalQueue(deps.queueConnection, queuePrefix(deps.config.redis.prefix));
    // Connection errors are reported by the connection's own listener; without one, an 'error' event would throw.
    let last = '';
    queue.queue.on('error', (error) => {
      if (error.message !== last) deps.logger.debug({ err: error }, 'approval queue connection error');
      last = error.message;
    });
    queues.set(deps, queue);
  }
  return queue;
}
