/**
 * The write of one change, exactly once. Under the per-record lock (held by the caller) the balance is
 * read fresh (around the API's response cache) before the write. When Valentina's answer is lost (5xx,
 * a broken connection, a timeout), the balance is read fresh again: exactly the expected change means it
 * was applied; unchanged means it was not, and the same write is sent again (bounded, checked each time);
 * anything else is reported honestly. Valentina's refusals become sentences that say what to do.
 */
import { UnconfirmedChangeError, UserError, outcomeUnknownMessage } from '../discord/errors.js';
import type { BotDeps } from '../discord/types.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import type { Actor } from '../identity/resolver.js';
import { isNotEnoughXp, isXpNotAuthorized, ValentinaOutcomeUnknownError, XP_PER_COOL_POINT, type CampaignExperience } from '../valentina/index.js';
import { changeIdempotencyKey, type ExperienceChangeRequest } from './change.js';
import type { XpChangeKind } from './embeds.js';

/** How often one change is sent at most, when its answer is lost and the balance shows it was not applied. */
export const MAX_SENDS = 3;

/** What a 403 from the XP gate means, by the company's `permission_grant_xp` setting. */
export const PERMISSION_MESSAGES: Readonly<Record<string, string>> = {
  STORYTELLER: 'Only storytellers can grant XP in this company. Ask a storyteller or an admin to do it.',
  PLAYER: 'Players can only change their own XP in this company. Ask a storyteller or an admin to change anyone else’s.',
};
const OTHER_REFUSAL = 'Valentina refused this XP change for this player. Ask a storyteller or an admin.';

export const CHECK_FIRST = 'Check with `/xp show` before trying again.';

export type Balance = Pick<CampaignExperience, 'xp_current' | 'xp_total' | 'cool_points'>;

/** The balance after `kind` of `amount` was applied to `before` (contract §3.6). */
export function expectedAfter(kind: XpChangeKind, before: Balance, amount: number): Balance {
  const { xp_current, xp_total, cool_points } = before;
  if (kind === 'xp-add') return { xp_current: xp_current + amount, xp_total: xp_total + amount, cool_points };
  if (kind === 'xp-remove') return { xp_current: xp_current - amount, xp_total, cool_points };
  const xp = amount * XP_PER_COOL_POINT;
  return { xp_current: xp_current + xp, xp_total: xp_total + xp, cool_points: cool_points + amount };
}

export const ZERO: Balance = { xp_current: 0, xp_total: 0, cool_points: 0 };

const sameBalance = (a: Balance, b: Balance) => a.xp_current === b.xp_current && a.xp_total === b.xp_total && a.cool_points === b.cool_points;

export interface WriteContext {
  binding: GuildBinding;
  actor: Actor;
  target: Actor;
}

/** The write, with the balance before it; proves the outcome when Valentina's answer is lost. */
export async function write(request: ExperienceChangeRequest, ctx: WriteContext, deps: BotDeps): Promise<{ before: CampaignExperience; after: CampaignExperience }> {
  const { kind, amount, campaign } = request;
  const { binding, actor, target } = ctx;
  const experience = deps.valentina.experience;
  const read = () => experience.get(binding.companyId, target.userId, campaign.id, { onBehalfOf: actor.userId, fresh: true });
  const options = { onBehalfOf: actor.userId, idempotencyKey: changeIdempotencyKey(request) };
  const change = { amount, campaignId: campaign.id };
  const send = () =>
    kind === 'xp-add'
      ? experience.addXp(binding.companyId, target.userId, change, options)
      : kind === 'xp-remove'
        ? experience.removeXp(binding.companyId, target.userId, change, options)
        : experience.addCoolPoints(binding.companyId, target.userId, change, options);

  const before = await read();
  const expected = expectedAfter(kind, before, amount);
  for (let sent = 1; ; sent += 1) {
    try {
      return { before, after: await send() };
    } catch (error) {
      if (!(error instanceof ValentinaOutcomeUnknownError)) throw await refusal(error, request, ctx, before, deps);
      const now = await read().catch(() => null);
      const log = { interactionId: request.interactionId, kind, status: error.status, requestId: error.requestId, sent };
      if (now && sameBalance(now, expected)) {
        deps.logger.warn({ ...log, verdict: 'applied' }, 'XP change answer lost; the balance shows it applied');
        return { before, after: now };
      }
      if (now && sameBalance(now, before) && !error.mayStillRun && sent < MAX_SENDS) {
        deps.logger.warn({ ...log, verdict: 'not applied' }, 'XP change answer lost; the balance shows it not applied, sending again');
        continue;
      }
      deps.logger.warn({ ...log, verdict: 'unknown' }, 'XP change outcome unknown');
      throw new UnconfirmedChangeError(unconfirmedMessage(error, request, ctx, before, now), error);
    }
  }
}

function unconfirmedMessage(error: ValentinaOutcomeUnknownError, request: ExperienceChangeRequest, ctx: WriteContext, before: Balance, now: Balance | null): string {
  const who = `<@${ctx.target.discordUserId}>`;
  const where = `*${request.campaign.name}*`;
  let known: string;
  if (!now) known = 'The balance could not be read to check.';
  else if (sameBalance(now, before) && error.mayStillRun) known = `Valentina may still be working on it: ${who}'s balance in ${where} has not changed yet.`;
  else known = `${who} now has **${now.xp_current} XP** available in ${where} (${before.xp_current} before this command), which is not what this change alone would give — someone else may have changed it meanwhile.`;
  return `${outcomeUnknownMessage(error.requestId)} ${known} ${CHECK_FIRST}`;
}

/** Valentina's refusals as sentences that say what to do. */
async function refusal(error: unknown, request: ExperienceChangeRequest, ctx: WriteContext, before: Balance, deps: BotDeps): Promise<unknown> {
  if (isXpNotAuthorized(error)) {
    const setting = await deps.directory.companySummary(ctx.binding.companyId).then((c) => c.permissionGrantXp, () => 'UNKNOWN');
    if (request.purpose === 'spend') return new UserError(spendRefusal(setting));
    return new UserError(PERMISSION_MESSAGES[setting] ?? OTHER_REFUSAL);
  }
  if (isNotEnoughXp(error)) {
    const has = `<@${ctx.target.discordUserId}> has only **${before.xp_current} XP** available in *${request.campaign.name}*`;
    if (request.purpose === 'undo') {
      return new UserError(`${has}: some of the XP this would take back was spent since, so ${request.amount} XP can't be removed. Nothing was changed; a storyteller can remove what is left with \`/xp remove\`.`);
    }
    if (request.purpose === 'spend') return new UserError(`You have only **${before.xp_current} XP** available in *${request.campaign.name}*, so you can't spend ${request.amount} XP. Nothing was changed.`);
    return new UserError(`${has}, so ${request.amount} XP can't be removed.`);
  }
  return error;
}

/** Why a player may not spend their own XP, naming the company setting that decides it. */
export function spendRefusal(setting: string): string {
  return setting === 'STORYTELLER'
    ? 'This company\'s **Grant XP** setting (`permission_grant_xp`) is **STORYTELLER**: only storytellers and admins can change XP, spending your own included. Ask a storyteller to record it with `/xp remove`.'
    : `Valentina refused to let you spend your own XP (the company's **Grant XP** setting is **${setting}**). Ask a storyteller to record it with \`/xp remove\`.`;
}
