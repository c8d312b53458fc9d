/**
 * What happens when linking created a new, unapproved Valentina user. The approvals feature posts a
 * request to the storytellers; until it is wired, the event is logged so nothing happens silently.
 */
import type { User } from '../valentina/index.js';
import type { BotDeps } from '../discord/types.js';
import type { OAuthState } from './oauth-state.js';

export type AccountCreatedHook = (user: User, state: OAuthState, deps: BotDeps) => Promise<void>;

const hooks: AccountCreatedHook[] = [];

/** Features subscribe here (e.g. approvals: enqueue an approval request). */
export function onAccountCreatedDo(hook: AccountCreatedHook): void {
  hooks.push(hook);
}

export async function onAccountCreated(user: User, state: OAuthState, deps: BotDeps): Promise<void> {
  deps.logger.info({ userId: user.id, companyId: user.company_id, discordUserId: state.discordUserId }, 'new Valentina account awaits approval');
  for (const hook of hooks) await hook(user, state, deps);
}
