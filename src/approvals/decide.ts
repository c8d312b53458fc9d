/**
 * Deciding an approval request from its buttons, on behalf of the clicking user. Valentina is the
 * judge of who may decide (company ADMINs; storytellers and players get 403 and an ephemeral refusal).
 * Exactly one decision per request even when two admins click together (see decision-lock.ts); then
 * the request shows the outcome in every server, the applicant's cached identity is dropped and they
 * get a DM saying what they can do now.
 */
import { outcomeUnknownMessage, UnconfirmedChangeError, UserError } from '../discord/errors.js';
import type { BotDeps, ComponentInteraction, ComponentReply } from '../discord/types.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import { requireBinding, withActor } from '../identity/context.js';
import type { Actor } from '../identity/resolver.js';
import { isNotUnapproved, ValentinaForbiddenError, ValentinaNotFoundError, ValentinaOutcomeUnknownError, type User } from '../valentina/index.js';
import { acquireDecision } from './decision-lock.js';
import { decidedEmbed, type Outcome } from './message.js';
import type { ApprovalSubject } from './queue.js';
import { closeRequest, fetchApplicant, forgetMergeTargets, settledElsewhereLine } from './requests.js';

export type Decision = { kind: 'approve'; role: 'PLAYER' | 'STORYTELLER' } | { kind: 'deny' } | { kind: 'merge'; primaryUserId: string };

interface Decided {
  outcome: Outcome;
  /** Shown on the request, after "… by @admin". */
  line: string;
  /** DMed to the applicant. */
  dm: string;
}

export const notAllowedMessage = (company: string) =>
  `Only admins of **${company}** can approve, deny or merge new players — Valentina refused this for your account. Ask an admin to decide.`;

export async function decide(interaction: ComponentInteraction, subject: ApprovalSubject, decision: Decision, deps: BotDeps): Promise<ComponentReply> {
  const binding = await requireBinding(interaction, deps);
  if (subject.companyId !== binding.companyId) {
    throw new UserError(`This request belongs to another company, not **${binding.companyName}**: it can only be decided in a server bound to that company.`);
  }
  const original = 'message' in interaction && interaction.message ? interaction.message.embeds[0]?.toJSON() : undefined;
  return withActor(interaction, deps, async (actor) => {
    const acquired = await acquireDecision(deps.redis, deps.keys.approvals.decision(subject));
    if (!acquired.ok) {
      throw new UserError(
        acquired.state?.state === 'decided'
          ? `This request was already decided: ${acquired.state.summary}.`
          : 'Another admin is deciding this request right now — the message will show their decision in a moment.',
      );
    }
    const { lock } = acquired;
    const at = new Date();
    const finish = async (outcome: Outcome, line: string): Promise<ComponentReply> => {
      await lock.settle(`${line} <t:${Math.floor(at.getTime() / 1000)}:R>`);
      await closeRequest(subject, outcome, line, deps, { skipGuildId: binding.guildId, at });
      return { update: { embeds: [decidedEmbed(original, outcome, line, at)], components: [], allowedMentions: { parse: [] } } };
    };
    try {
      const applicant = await fetchApplicant(subject, deps);
      if (applicant?.role !== 'UNAPPROVED') {
        if (actor.role !== 'ADMIN') {
          await lock.release();
          throw new UserError('This person is no longer waiting for approval — nothing left to decide.');
        }
        return await finish('gone', settledElsewhereLine(applicant));
      }
      const decided = await apply(decision, subject, applicant, actor, binding, interaction.id, deps).catch((error: unknown) =>
        proveDecision(error, decision, subject, applicant, binding, deps),
      );
      const by = `by <@${interaction.user.id}>`;
      deps.logger.info({ companyId: subject.companyId, userId: subject.userId, outcome: decided.outcome, by: actor.userId }, 'approval decided');
      const reply = await finish(decided.outcome, `${decided.line} ${by}`);
      await forgetMergeTargets(subject.companyId, deps);
      await tellApplicant(subject, applicant, decided.dm, deps);
      return reply;
    } catch (error) {
      if (error instanceof ValentinaForbiddenError) {
        await lock.release();
        throw new UserError(notAllowedMessage(binding.companyName));
      }
      if (isNotUnapproved(error) || error instanceof ValentinaNotFoundError) {
        // Decided elsewhere between our read and the write.
        return finish('gone', settledElsewhereLine(await fetchApplicant(subject, deps).catch(() => null)));
      }
      await lock.release();
      throw error;
    }
  });
}

async function apply(decision: Decision, subject: ApprovalSubject, applicant: User, actor: Actor, binding: GuildBinding, interactionId: string, deps: BotDeps): Promise<Decided> {
  const options = { onBehalfOf: actor.userId, idempotencyKey: `${interactionId}:approval` };
  const company = binding.companyName;
  if (decision.kind === 'approve') {
    await deps.valentina.users.approve(subject.companyId, subject.userId, decision.role, options);
    return approved(decision.role, company);
  }
  if (decision.kind === 'deny') {
    await deps.valentina.users.deny(subject.companyId, subject.userId, options);
    return denied(company);
  }
  if (decision.primaryUserId === subject.userId) throw new UserError('Pick another account to merge into, not the newcomer itself.');
  try {
    const primary = await deps.valentina.users.merge(subject.companyId, { primaryUserId: decision.primaryUserId, secondaryUserId: subject.userId }, options);
    return merged(primary, applicant, company);
  } catch (error) {
    if (error instanceof ValentinaNotFoundError) {
      // Either side may be gone: only the newcomer's absence means "decided elsewhere".
      if (!(await fetchApplicant(subject, deps))) throw error;
      throw new UserError('The account picked to merge into no longer exists in Valentina. Pick another one, or approve the newcomer instead.');
    }
    throw error;
  }
}

function approved(roleName: 'PLAYER' | 'STORYTELLER', company: string): Decided {
  const role = roleName === 'PLAYER' ? 'player' : 'storyteller';
  return {
    outcome: 'approved',
    line: `Approved as ${role}`,
    dm: `You were approved as a ${role} in **${company}**! The bot's commands now act as you in Valentina — try \`/whoami\` in the server, and \`/help\` for everything you can do.`,
  };
}

function denied(company: string): Decided {
  return {
    outcome: 'denied',
    line: 'Denied',
    dm: `Your request to join **${company}** in Valentina was declined. If you think this is a mistake, talk to the storytellers of the server; you can ask again with \`/link\`.`,
  };
}

function merged(primary: User, applicant: User, company: string): Decided {
  const applicantDiscord = applicant.discord_profile?.id;
  const linked = applicantDiscord !== undefined && primary.discord_profile?.id === applicantDiscord;
  return linked
    ? {
        outcome: 'merged',
        line: `Merged into **${primary.username}**`,
        dm: `Your Discord account is now linked to your existing Valentina account **${primary.username}** in **${company}**. Your commands act as that account — try \`/whoami\` in the server.`,
      }
    : {
        outcome: 'merged',
        line: `Merged into **${primary.username}** (which keeps its own Discord account; this one stays unlinked)`,
        dm: `Your request in **${company}** was merged into the account **${primary.username}**, which is already linked to another Discord account, so this Discord account is not linked. Talk to the storytellers if that is not what you expected.`,
      };
}

/**
 * A decision whose answer was lost: the applicant, read fresh, shows whether it was made. Still waiting
 * after Valentina finished with the request means it was not; anything else is said as it is.
 */
async function proveDecision(error: unknown, decision: Decision, subject: ApprovalSubject, applicant: User, binding: GuildBinding, deps: BotDeps): Promise<Decided> {
  if (!(error instanceof ValentinaOutcomeUnknownError)) throw error;
  const now = await fetchApplicant(subject, deps, true).catch(() => undefined);
  const company = binding.companyName;
  if (decision.kind === 'approve' && now?.role === decision.role) return approved(decision.role, company);
  if (decision.kind === 'deny' && now === null) return denied(company);
  if (decision.kind === 'merge' && now === null) {
    const primary = await deps.valentina.users.get(subject.companyId, decision.primaryUserId, {}, { fresh: true }).catch(() => null);
    if (primary) return merged(primary, applicant, company);
  }
  if (now?.role === 'UNAPPROVED' && !error.mayStillRun) {
    throw new UserError(`Valentina failed while recording this decision${error.requestId ? ` (request ${error.requestId})` : ''}, and the newcomer is still waiting: nothing was changed. Click again to decide.`);
  }
  throw new UnconfirmedChangeError(`${outcomeUnknownMessage(error.requestId, 'this decision', 'recorded')} Check the newcomer in Valentina before deciding again.`, error);
}

async function tellApplicant(subject: ApprovalSubject, applicant: User, dm: string, deps: BotDeps): Promise<void> {
  const discordId = applicant.discord_profile?.id;
  if (!discordId) return;
  await deps.resolver.invalidate(discordId);
  await deps.deliveries.enqueue(`approval-dm:${subject.companyId}:${subject.userId}`, { kind: 'dm', userId: discordId, message: { content: dm } });
}
