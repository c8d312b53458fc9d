/**
 * What the bot still has to do, read from its BullMQ queues: the demo waits for it before it shows what
 * the bot posted, and the tests wait for it before they check that nothing more will be posted.
 */
import type { Queue } from 'bullmq';

/** Jobs of `queue` that are waiting, running, or delayed for a retry; a job scheduler's next run is not pending work. */
export async function pendingJobs(queue: Queue): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
  const retries = (await queue.getDelayed()).filter((job) => !String(job.id).startsWith('repeat:'));
  return Object.values(counts).reduce((sum, count) => sum + count, 0) + retries.length;
}
