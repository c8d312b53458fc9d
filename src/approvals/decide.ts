/**
 * Deciding an approval request from its buttons: on behalf of the clicking admin, exactly once even
 * when two admins click together, then the message shows the outcome and the applicant gets a DM.
 */
import type { APIEmbed } from 'discord.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps, ComponentInteraction, ComponentReply } from '../discord/types.js';
import { requireBinding, withActor } from '../identity/context.js';
import { isNotUnapproved, ValentinaForbiddenError, ValentinaNotFoundError, type User } from '../valentina/index.js';
import { decidedEmbed } from './message.js';
import { approvalKeys, type ApprovalJob } from './queue.js';

export type Decision = { kind: 'approve'; role: 'PLAYER' | 'STORYTELLER' } | { kind: 'deny' } | { kind: 'merge'; primaryUserId: string };

const DECISION_TTL_SECONDS = 24 * 3600;

export async function decide(interaction: ComponentInteraction, job: ApprovalJob, decision: Decision, deps: BotDeps): Promise<ComponentReply> {
  const binding = await requireBinding(interaction, deps);
  if (job.companyId !== binding.companyId) {
    throw new UserError(`This request belongs to another company, not **${binding.companyName}**; it can't be decided in this server.`);
  }
  const original = 'message' in interaction && interaction.message ? (interaction.message.embeds[0]?.toJSON() as APIEmbed | undefined) : undefined;
  return withActor(interaction, deps, async (actor) => {
    const key = approvalKeys(deps.config.redis.prefix).decision(job);
    const locked = await deps.redis.set(key, 'pending', 'EX', 60, 'NX');
    if (locked !== 'OK') {
      const state = await deps.redis.get(key);
      throw new UserError(state === 'pending' ? 'Another admin is deciding this request right now.' : `This request was already decided (${state}).`);
    }
    let applicant: User | null = null;
    try {
      applicant = await deps.valentina.users.get(job.companyId, job.userId).catch((error: unknown) => {
        if (error instanceof ValentinaNotFoundError) return null;
        throw error;
      });
      if (!applicant || applicant.role !== 'UNAPPROVED') {
        await deps.redis.set(key, 'decided elsewhere', 'EX', DECISION_TTL_SECONDS);
        return { update: { embeds: [decidedEmbed(original, 'gone', applicant ? `Already ${applicant.role === 'DEACTIVATED' ? 'deactivated' : 'approved'} in Valentina` : 'This account no longer exists in Valentina')], components: [] } };
      }
      const options = { onBehalfOf: actor.userId, idempotencyKey: `${interaction.id}:approval` };
      let outcome: 'approved' | 'denied' | 'merged';
      let line: string;
      let dm: string;
      if (decision.kind === 'approve') {
        await deps.valentina.users.approve(job.companyId, job.userId, decision.role, options);
        outcome = 'approved';
        const role = decision.role === 'PLAYER' ? 'player' : 'storyteller';
        line = `Approved as ${role} by <@${interaction.user.id}>`;
        dm = `You were approved as a ${role} in **${binding.companyName}**! Your commands now act as you in Valentina — try \`/whoami\` in the server.`;
      } else if (decision.kind === 'deny') {
        await deps.valentina.users.deny(job.companyId, job.userId, options);
        outcome = 'denied';
        line = `Denied by <@${interaction.user.id}>`;
        dm = `Your request to join **${binding.companyName}** in Valentina was declined. If you think this is a mistake, talk to the storytellers of the server.`;
      } else {
        const primary = await deps.valentina.users.merge(job.companyId, { primaryUserId: decision.primaryUserId, secondaryUserId: job.userId }, options);
        outcome = 'merged';
        line = `Merged into **${primary.username}** by <@${interaction.user.id}>`;
        dm = `Your Discord account is now linked to your existing Valentina account **${primary.username}** in **${binding.companyName}**.`;
      }
      await deps.redis.set(key, outcome, 'EX', DECISION_TTL_SECONDS);
      const discordId = applicant.discord_profile?.id;
      if (discordId) {
        await deps.resolver.invalidate(discordId);
        await deps.deliveries.enqueue(`approval-dm:${job.companyId}:${job.userId}`, { kind: 'dm', userId: discordId, message: { content: dm } });
      }
      deps.logger.info({ companyId: job.companyId, userId: job.userId, outcome, by: actor.userId }, 'approval decided');
      return { update: { embeds: [decidedEmbed(original, outcome, line)], components: [] } };
    } catch (error) {
      if (error instanceof ValentinaForbiddenError) {
        await deps.redis.del(key);
        throw new UserError(`Only admins of **${binding.companyName}** can approve, deny or merge new players — Valentina refused this for your account.`);
      }
      if (isNotUnapproved(error) || error instanceof ValentinaNotFoundError) {
        await deps.redis.set(key, 'decided elsewhere', 'EX', DECISION_TTL_SECONDS);
        return { update: { embeds: [decidedEmbed(original, 'gone', 'Already decided elsewhere')], components: [] } };
      }
      if ((await deps.redis.get(key)) === 'pending') await deps.redis.del(key);
      throw error;
    }
  });
}
