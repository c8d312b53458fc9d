/**
 * XP and cool point changes, exactly once: the acting user and the target are resolved through the
 * identity layer, Valentina decides who may do it, and every write carries an idempotency key derived
 * from the Discord interaction. The public record also goes to the audit channel through the queue.
 */
import type { ChatInputCommandInteraction } from 'discord.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import type { GuildBinding } from '../identity/guild-binding.js';
import { requireBinding, resolveTarget, withActor } from '../identity/context.js';
import type { Actor } from '../identity/resolver.js';
import { isNotEnoughXp, isXpNotAuthorized, ValentinaNetworkError, type CampaignExperience } from '../valentina/index.js';
import { chooseCampaign, type ChosenCampaign } from './campaign.js';
import { xpChangeEmbed, type XpChangeKind } from './embeds.js';
import { memberName } from './member-name.js';
import { experienceLockKey, oneAtATime } from './serialize.js';

/** The largest amount one command may move (the option's max; checked again here). */
export const MAX_AMOUNT = 1000;

/** What a 403 from the XP gate means, by the company's `permission_grant_xp` setting. */
export const PERMISSION_MESSAGES: Readonly<Record<string, string>> = {
  STORYTELLER: 'Only storytellers can grant XP in this company. Ask a storyteller or an admin to do it.',
  PLAYER: 'Players can only change their own XP in this company. Ask a storyteller or an admin to change anyone else’s.',
};
const OTHER_REFUSAL = 'Valentina refused this XP change for this player. Ask a storyteller or an admin.';

export const UNCONFIRMED_MESSAGE =
  "Valentina didn't confirm the change in time, so it may or may not have been applied. Check with `/xp show` before trying again.";

/** Checks the `amount` option again: the command definition bounds it, but nothing forces a client to. */
export function validAmount(amount: number): number {
  if (!Number.isInteger(amount) || amount < 1 || amount > MAX_AMOUNT) {
    throw new UserError(`The amount must be a whole number from 1 to ${MAX_AMOUNT}.`);
  }
  return amount;
}

export async function changeExperience(kind: XpChangeKind, interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const binding = await requireBinding(interaction, deps);
  const amount = validAmount(interaction.options.getInteger('amount', true));
  const member = interaction.options.getUser('user', true);
  const reason = interaction.options.getString('reason')?.trim() || null;
  const campaign = await chooseCampaign(interaction.options.getString('campaign'), binding, deps.directory);

  const { before, after } = await withActor(interaction, deps, async (actor) => {
    const target = await resolveTarget(member, binding, deps);
    const lock = experienceLockKey(deps.config.redis.prefix, binding.companyId, target.userId, campaign.id);
    return oneAtATime(deps.redis, lock, () => write(kind, { interactionId: interaction.id, binding, actor, target, campaign, amount }, deps));
  });

  const embed = xpChangeEmbed({
    kind,
    actorId: interaction.user.id,
    targetId: member.id,
    targetName: memberName(interaction, 'user', member),
    amount,
    campaignName: campaign.name,
    reason,
    before,
    after,
  });
  if (binding.auditChannelId) {
    // The change is made: a queue hiccup must not turn it into an error the user would "fix" by granting again.
    await deps.deliveries
      .enqueue(`xp-audit:${interaction.id}`, {
        kind: 'channel',
        channelId: binding.auditChannelId,
        message: { embeds: [embed.toJSON() as Record<string, unknown>], allowed_mentions: { parse: [] } },
      })
      .catch((error: unknown) => deps.logger.error({ err: error, guildId: binding.guildId, interactionId: interaction.id }, 'XP audit record not queued'));
  }
  return { embeds: [embed], allowedMentions: { parse: [] }, ephemeral: false };
}

interface WriteContext {
  interactionId: string;
  binding: GuildBinding;
  actor: Actor;
  target: Actor;
  campaign: ChosenCampaign;
  amount: number;
}

/** One write to Valentina (plus, for cool points, the balance it is compared with). */
async function write(kind: XpChangeKind, ctx: WriteContext, deps: BotDeps): Promise<{ before: CampaignExperience | null; after: CampaignExperience }> {
  const { binding, actor, target, campaign, amount } = ctx;
  const experience = deps.valentina.experience;
  const options = { onBehalfOf: actor.userId, idempotencyKey: `${ctx.interactionId}:${kind}` };
  const change = { amount, campaignId: campaign.id };
  try {
    if (kind === 'xp-add') return { before: null, after: await experience.addXp(binding.companyId, target.userId, change, options) };
    if (kind === 'xp-remove') return { before: null, after: await experience.removeXp(binding.companyId, target.userId, change, options) };
    // What a cool point is worth is Valentina's to say: the reply compares xp_total before and after.
    const before = await experience.get(binding.companyId, target.userId, campaign.id, { onBehalfOf: actor.userId });
    return { before, after: await experience.addCoolPoints(binding.companyId, target.userId, change, options) };
  } catch (error) {
    if (isXpNotAuthorized(error)) {
      const setting = await deps.directory.companySummary(binding.companyId).then((c) => c.permissionGrantXp, () => 'UNKNOWN');
      throw new UserError(PERMISSION_MESSAGES[setting] ?? OTHER_REFUSAL);
    }
    if (isNotEnoughXp(error)) {
      const balance = await experience.get(binding.companyId, target.userId, campaign.id, { onBehalfOf: actor.userId });
      throw new UserError(
        `<@${target.discordUserId}> has only **${balance.xp_current} XP** available in *${campaign.name}*, so ${amount} XP can't be removed.`,
      );
    }
    if (error instanceof ValentinaNetworkError && error.timedOut && error.method === 'POST') throw new UserError(UNCONFIRMED_MESSAGE);
    throw error;
  }
}
