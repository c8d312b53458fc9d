/**
 * Who may bind a Discord server to a Valentina company: a linked person who is an ADMIN of that
 * company. The decision is Valentina's, read at that moment while acting as the person (U2
 * `GET /companies/{cid}/users/{uid}` with `On-Behalf-Of` = their own user id, read around Valentina's
 * response cache): a cached role only finds their user id and fills autocomplete, it never decides.
 */
import { UserError } from '../discord/errors.js';
import type { Named } from '../cache/directory.js';
import { ValentinaForbiddenError, ValentinaNotFoundError } from '../valentina/errors.js';
import type { ValentinaClient } from '../valentina/index.js';
import type { IdentityResolver, LookupEntry } from './resolver.js';

export interface CompanyAdminDeps {
  resolver: Pick<IdentityResolver, 'lookup' | 'invalidate'>;
  valentina: { users: Pick<ValentinaClient['users'], 'get'> };
}

const ROLE_NAMES: Record<LookupEntry['role'], string> = {
  ADMIN: 'an admin',
  STORYTELLER: 'a storyteller',
  PLAYER: 'a player',
  UNAPPROVED: 'waiting for approval',
  DEACTIVATED: 'deactivated',
};

/** What a company admin is needed for: how the refusal says it, and the command to run again. */
export const ADMIN_TASKS = {
  connect: { verb: 'connect a server to it', command: '/setup connect' },
  settings: { verb: "change this server's settings", command: '/setup settings' },
  restore: { verb: "restore this server's setup", command: '/setup restore' },
} as const;
export type AdminTask = keyof typeof ADMIN_TASKS;

/** What someone who cannot bind `company` (or do another admin `task`) is told (ephemeral), by why. */
export const bindRefusal = {
  notLinked: (company: string, task: AdminTask = 'connect') =>
    `Only an admin of **${company}** in Valentina can ${ADMIN_TASKS[task].verb}, and your Discord account isn't linked to Valentina yet. Run \`/link\` to connect it, then run \`${ADMIN_TASKS[task].command}\` again.`,
  notMember: (company: string, task: AdminTask = 'connect') =>
    `Your Valentina account isn't part of **${company}**, and only an admin of **${company}** can ${ADMIN_TASKS[task].verb}. Ask one of its admins to run \`${ADMIN_TASKS[task].command}\` here.`,
  notAdmin: (company: string, role: LookupEntry['role'], task: AdminTask = 'connect') =>
    `Only an admin of **${company}** in Valentina can ${ADMIN_TASKS[task].verb}; you are ${ROLE_NAMES[role]} there. Ask one of its admins to run \`${ADMIN_TASKS[task].command}\` here, or to make you an admin in Valentina.`,
  unreachable: (company: string) =>
    `The bot has no access to a company called "${company.slice(0, 50)}". Pick one from the list that appears as you type; it lists the companies you are an admin of that the bot can reach. If yours is missing, ask whoever runs this bot to have its Valentina API key granted access to that company (an owner of the company grants it in Valentina).`,
};

/**
 * Throws a `UserError` unless the Discord user is, right now, an ADMIN of `company` in Valentina.
 * Resolves with their Valentina user id.
 */
export async function requireCompanyAdmin(discordUserId: string, company: Named, deps: CompanyAdminDeps, task: AdminTask = 'connect'): Promise<{ userId: string }> {
  let entries = await deps.resolver.lookup(discordUserId);
  let entry = entries.find((e) => e.company_id === company.id);
  if (entry?.role !== 'ADMIN') {
    // The cache may be behind (just linked, just promoted): ask once more before refusing.
    await deps.resolver.invalidate(discordUserId);
    entries = await deps.resolver.lookup(discordUserId);
    entry = entries.find((e) => e.company_id === company.id);
  }
  if (entries.length === 0) throw new UserError(bindRefusal.notLinked(company.name, task));
  if (!entry) throw new UserError(bindRefusal.notMember(company.name, task));
  if (entry.role !== 'ADMIN') throw new UserError(bindRefusal.notAdmin(company.name, entry.role, task));

  let role: LookupEntry['role'];
  try {
    // Fresh: Valentina's 60-second response cache would still show a role changed meanwhile in its web app.
    role = (await deps.valentina.users.get(company.id, entry.user_id, {}, { onBehalfOf: entry.user_id, fresh: true })).role;
  } catch (error) {
    if (!(error instanceof ValentinaForbiddenError || error instanceof ValentinaNotFoundError)) throw error;
    await deps.resolver.invalidate(discordUserId);
    if (error instanceof ValentinaNotFoundError) throw new UserError(bindRefusal.notMember(company.name, task));
    if (error.detail === 'User account is deactivated') throw new UserError(bindRefusal.notAdmin(company.name, 'DEACTIVATED', task));
    if (error.detail === 'User has not been approved yet') throw new UserError(bindRefusal.notAdmin(company.name, 'UNAPPROVED', task));
    throw new UserError(bindRefusal.unreachable(company.name));
  }
  if (role !== 'ADMIN') {
    await deps.resolver.invalidate(discordUserId);
    throw new UserError(bindRefusal.notAdmin(company.name, role, task));
  }
  return { userId: entry.user_id };
}

/**
 * The companies of `reachable` (those the API key reaches) where the cached lookup says the user is
 * an ADMIN: what `/setup connect` offers as they type. Reads only caches once they are warm.
 */
export async function adminCompanies(discordUserId: string, reachable: readonly Named[], deps: Pick<CompanyAdminDeps, 'resolver'>): Promise<Named[]> {
  const admin = new Set((await deps.resolver.lookup(discordUserId)).filter((e) => e.role === 'ADMIN').map((e) => e.company_id));
  return reachable.filter((company) => admin.has(company.id));
}
