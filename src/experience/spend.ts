/**
 * `/xp spend`: a player spends their own XP (Valentina's remove, acting as themselves on themselves).
 * Valentina decides by the company's Grant XP setting: allowed under UNRESTRICTED and PLAYER, refused
 * under STORYTELLER, which the answer names. Recorded in the ledger as spent.
 */
import type { ChatInputCommandInteraction } from 'discord.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import { requireBinding } from '../identity/context.js';
import { validAmount, type ChangeDraft } from './change.js';
import { memberName } from './member-name.js';
import { changeNowOrQueue } from './queued.js';

export async function spendExperience(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const binding = await requireBinding(interaction, deps);
  const amount = validAmount(interaction.options.getInteger('amount', true), 'xp-remove');
  const reason = interaction.options.getString('reason', true).trim() || null;
  const draft: ChangeDraft = {
    kind: 'xp-remove',
    purpose: 'spend',
    interactionId: interaction.id,
    guildId: binding.guildId,
    actorDiscordId: interaction.user.id,
    target: { id: interaction.user.id, bot: interaction.user.bot },
    targetName: memberName(interaction, null, interaction.user),
    amount,
    reason,
  };
  return changeNowOrQueue(draft, interaction.options.getString('campaign'), binding, interaction, deps);
}
