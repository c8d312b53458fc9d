/** `/xp show`: balances for one campaign or all of the company's campaigns. */
import type { ChatInputCommandInteraction } from 'discord.js';
import type { BotDeps, ReplyMessage } from '../discord/types.js';
import { requireBinding, resolveTarget, withActor } from '../identity/context.js';
import { chooseCampaign } from './campaign.js';
import { xpShowEmbed } from './embeds.js';
import { memberName } from './member-name.js';

export async function showExperience(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const binding = await requireBinding(interaction, deps);
  const named = interaction.options.getUser('user');
  const member = named ?? interaction.user;
  const name = memberName(interaction, named ? 'user' : null, member);
  const campaignOption = interaction.options.getString('campaign');
  return withActor(interaction, deps, async (actor) => {
    const target = member.id === interaction.user.id ? actor : await resolveTarget(member, binding, deps);
    const read = { onBehalfOf: actor.userId };
    if (campaignOption) {
      const campaign = await chooseCampaign(campaignOption, binding, deps.directory);
      const experience = await deps.valentina.experience.get(binding.companyId, target.userId, campaign.id, read);
      return { embeds: [xpShowEmbed(name, binding.companyName, [{ campaignName: campaign.name, experience }])] };
    }
    const [user, campaigns] = await Promise.all([
      deps.valentina.users.get(binding.companyId, target.userId, {}, read),
      deps.directory.campaigns(binding.companyId),
    ]);
    const names = new Map(campaigns.map((c) => [c.id, c.name]));
    const balances = user.campaign_experience
      .filter((e) => names.has(e.campaign_id))
      .map((e) => ({ campaignName: names.get(e.campaign_id)!, experience: e }))
      .sort((a, b) => a.campaignName.localeCompare(b.campaignName));
    return {
      embeds: [xpShowEmbed(name, binding.companyName, balances, { xp: user.lifetime_xp, coolPoints: user.lifetime_cool_points })],
    };
  });
}
