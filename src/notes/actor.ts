/**
 * Who acts on a note. Valentina checks no note ownership (§3.10), so every call uses the acting
 * user's own id in the path: a note of someone else is simply "not found". Buttons carry the note's
 * company, and the actor is the clicking user's account in that company.
 */
import { UserError } from '../discord/errors.js';
import type { BotDeps } from '../discord/types.js';
import { describeResolution, type Actor, type Resolution } from '../identity/resolver.js';

/** The Discord user's account in `companyId`, as a resolution. */
export async function resolveInCompany(deps: Pick<BotDeps, 'resolver'>, discordUserId: string, companyId: string): Promise<Resolution> {
  const entries = await deps.resolver.lookup(discordUserId);
  if (entries.length === 0) return { status: 'not_linked' };
  const entry = entries.find((e) => e.company_id === companyId);
  if (!entry) return { status: 'other_company', guildCompanyName: 'the company of this note', linkedCompanyNames: entries.map((e) => e.company_name) };
  if (entry.role === 'UNAPPROVED') return { status: 'unapproved', companyName: entry.company_name };
  if (entry.role === 'DEACTIVATED') return { status: 'deactivated', companyName: entry.company_name };
  return {
    status: 'ok',
    actor: { discordUserId, userId: entry.user_id, role: entry.role, companyId: entry.company_id, companyName: entry.company_name },
  };
}

/** Runs `action` as the user's account in `companyId` (a stale cached account is resolved once more). */
export async function withCompanyActor<T>(
  deps: Pick<BotDeps, 'resolver'>,
  discordUserId: string,
  companyId: string,
  action: (actor: Actor) => Promise<T>,
): Promise<T> {
  const result = await deps.resolver.runAsActor(() => resolveInCompany(deps, discordUserId, companyId), action);
  if (result.acted) return result.value;
  if (result.refusal.status === 'other_company') throw new UserError("This note belongs to a company you're no longer part of, so it can't be changed from here.");
  throw new UserError(describeResolution(result.refusal));
}
