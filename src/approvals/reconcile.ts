/**
 * Reconciliation, every few minutes and once at start-up: users waiting in Valentina that were created
 * elsewhere (the web app, another bot, a lost enqueue) get their request posted, and requests whose
 * user was approved, denied or deleted elsewhere are closed so nobody clicks dead buttons.
 *
 * Valentina lists unapproved users (U6) only on behalf of an ADMIN of the company. The bot has no
 * identity of its own, so it borrows one: the first ADMIN the company lists (U1 with `user_role`). A
 * company without any ADMIN cannot be reconciled (and nobody could approve there anyway); it is logged.
 */
import type { BotDeps } from '../discord/types.js';
import { closeRequest, fetchApplicant, settledElsewhereLine } from './requests.js';

/** An ADMIN of the company to act on behalf of for bot-internal admin reads, or null. */
export async function findAdmin(companyId: string, deps: Pick<BotDeps, 'valentina'>): Promise<string | null> {
  const admins = await deps.valentina.users.listAll(companyId, { role: 'ADMIN' });
  return admins.find((user) => user.role === 'ADMIN')?.id ?? null;
}

export async function reconcile(deps: BotDeps): Promise<{ enqueued: number; closed: number }> {
  const bindings = await deps.bindings.all();
  const companies = new Map<string, string[]>();
  for (const binding of bindings) companies.set(binding.companyId, [...(companies.get(binding.companyId) ?? []), binding.guildId]);
  const totals = { enqueued: 0, closed: 0 };
  for (const [companyId, guildIds] of companies) {
    try {
      const result = await reconcileCompany(companyId, guildIds, deps);
      totals.enqueued += result.enqueued;
      totals.closed += result.closed;
    } catch (error) {
      // One company's outage does not hold up the others; the next run tries again.
      deps.logger.warn({ err: error, companyId }, 'approval reconciliation failed for a company');
    }
  }
  if (totals.enqueued + totals.closed > 0) deps.logger.info(totals, 'approval reconciliation');
  return totals;
}

async function reconcileCompany(companyId: string, guildIds: string[], deps: BotDeps): Promise<{ enqueued: number; closed: number }> {
  const admin = await findAdmin(companyId, deps);
  if (!admin) {
    deps.logger.warn({ companyId }, 'the company has no admin: its unapproved users cannot be listed');
    return { enqueued: 0, closed: 0 };
  }
  const keys = deps.keys.approvals;
  const waiting = await deps.valentina.users.listUnapproved(companyId, { onBehalfOf: admin });
  let enqueued = 0;
  for (const user of waiting) {
    const subject = { companyId, userId: user.id };
    const posted = await deps.redis.hkeys(keys.posted(subject));
    if (guildIds.every((guildId) => posted.includes(guildId))) continue;
    await deps.approvals.enqueue(subject);
    enqueued += 1;
  }
  let closed = 0;
  const waitingIds = new Set(waiting.map((user) => user.id));
  for (const userId of await deps.redis.smembers(keys.open(companyId))) {
    if (waitingIds.has(userId)) continue;
    // The list may lag behind (Valentina caches it): only the user record itself settles it.
    const applicant = await fetchApplicant({ companyId, userId }, deps);
    if (applicant?.role === 'UNAPPROVED') continue;
    await closeRequest({ companyId, userId }, 'gone', settledElsewhereLine(applicant), deps);
    closed += 1;
  }
  return { enqueued, closed };
}
