/**
 * What happens when linking created a new, unapproved Valentina user: the event is logged, then the
 * hook the app wired (`BotDeps.onAccountCreated`: the approvals feature queues a request) runs.
 */
import type { User } from '../valentina/index.js';
import type { BotDeps } from '../discord/types.js';
import type { OAuthState } from './oauth-state.js';

export async function onAccountCreated(user: User, state: OAuthState, deps: Pick<BotDeps, 'logger' | 'onAccountCreated'>): Promise<void> {
  deps.logger.info({ userId: user.id, companyId: user.company_id, discordUserId: state.discordUserId }, 'new Valentina account awaits approval');
  await deps.onAccountCreated(user, state);
}
