/**
 * Jobs nobody waits on run at background priority: their Valentina calls spend only the budget
 * commands leave spare (src/valentina/budget.ts). When the budget refuses one, the job is moved back
 * to the delayed set until a spare token is due — not a failed attempt, and nothing to tell a user.
 */
import { DelayedError, type Job } from 'bullmq';
import { ValentinaBudgetError, withRequestPriority } from '../valentina/index.js';

export async function inBackground<T>(job: Job, token: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await withRequestPriority('background', work);
  } catch (error) {
    if (!(error instanceof ValentinaBudgetError) || token === undefined) throw error;
    // Spread out, so jobs refused together do not all come back at the same moment.
    await job.moveToDelayed(Date.now() + error.retryAfterMs + Math.round(Math.random() * 1_000), token);
    throw new DelayedError();
  }
}
