/**
 * XP and cool point changes, exactly once: the acting user and the target are resolved through the
 * identity layer, Valentina decides who may do it, and every write carries an idempotency key derived
 * from the Discord interaction. The public record also goes to the audit channel through the queue.
 */
import type { ChatInputCommandInteraction } from 'discord.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import { requireBinding, resolveTarget, withActor } from '../identity/context.js';
import { isNotEnoughXp, isXpNotAuthorized, type CampaignExperience } from '../valentina/index.js';
import { chooseCampaign } from './campaign.js';
import { xpChangeEmbed, type XpChangeKind } from './embeds.js';

export const MAX_AMOUNT = 1000;

const PERMISSION_MESSAGES: Record<string, string> = {
  STORYTELLER: 'Only storytellers can grant or remove XP and cool points in this company.',
  PLAYER: 'In this company players can only change their own XP; storytellers can change anyone’s.',
  UNRESTRICTED: 'Valentina refused this XP change for this user.',
};

export async function changeExperience(kind: XpChangeKind, interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const binding = await requireBinding(interaction, deps);
  const amount = interaction.options.getInteger('amount', true);
  if (!Number.isInteger(amount) || amount < 1 || amount > MAX_AMOUNT) {
    throw new UserError(`The amount must be a whole number from 1 to ${MAX_AMOUNT}.`);
  }
  const member = interaction.options.getUser('user', true);
  const reason = interaction.options.getString('reason')?.trim() || null;
  const campaign = await chooseCampaign(interaction.options.getString('campaign'), binding, deps.directory);
  const target = await resolveTarget(member, binding, deps);

  return withActor(interaction, deps, async (actor) => {
    const options = { onBehalfOf: actor.userId, idempotencyKey: `${interaction.id}:${kind}` };
    const change = { amount, campaignId: campaign.id };
    let after: CampaignExperience;
    let before: CampaignExperience | null = null;
    try {
      if (kind === 'cp-add') {
        // The XP a cool point is worth is Valentina's to say: compare the balance before and after.
        before = await deps.valentina.experience.get(binding.companyId, target.userId, campaign.id, { onBehalfOf: actor.userId });
        after = await deps.valentina.experience.addCoolPoints(binding.companyId, target.userId, change, options);
      } else if (kind === 'xp-add') {
        after = await deps.valentina.experience.addXp(binding.companyId, target.userId, change, options);
      } else {
        after = await deps.valentina.experience.removeXp(binding.companyId, target.userId, change, options);
      }
    } catch (error) {
      if (isXpNotAuthorized(error)) {
        const setting = (await deps.directory.companySummary(binding.companyId)).permissionGrantXp;
        throw new UserError(PERMISSION_MESSAGES[setting] ?? PERMISSION_MESSAGES.UNRESTRICTED!);
      }
      if (isNotEnoughXp(error)) {
        const balance = await deps.valentina.experience.get(binding.companyId, target.userId, campaign.id, { onBehalfOf: actor.userId });
        throw new UserError(
          `<@${member.id}> has only **${balance.xp_current} XP** available in *${campaign.name}*, so ${amount} can't be removed.`,
        );
      }
      throw error;
    }
    const embed = xpChangeEmbed({
      kind,
      actorId: interaction.user.id,
      targetId: member.id,
      targetName: member.displayName,
      amount,
      campaignName: campaign.name,
      reason,
      before,
      after,
    });
    if (binding.auditChannelId) {
      await deps.deliveries.enqueue(`xp-audit:${interaction.id}`, {
        kind: 'channel',
        channelId: binding.auditChannelId,
        message: { embeds: [embed.toJSON() as Record<string, unknown>], allowed_mentions: { parse: [] } },
      });
    }
    return { embeds: [embed], allowedMentions: { parse: [] }, ephemeral: false };
  });
}
