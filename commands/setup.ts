/**
 * `/setup connect` binds this server to a Valentina company and picks where the bot posts;
 * `/setup show` prints the binding. Server managers only (Manage Server).
 */
import {
  ApplicationIntegrationType,
  ChannelType,
  EmbedBuilder,
  InteractionContextType,
  PermissionFlagsBits,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type Guild,
} from 'discord.js';
import type { BotDeps, Choices, CommandModule, ReplyMessage } from '../src/discord/types.js';
import { pickChoice } from '../src/cache/cached-json.js';
import { UserError } from '../src/discord/errors.js';
import { GUILD_ONLY_MESSAGE, NOT_SET_UP_MESSAGE } from '../src/identity/context.js';
import type { GuildBinding } from '../src/identity/guild-binding.js';

const NEEDED = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
] as const;

/** What the bot lacks in the channel, by Discord's permission names (empty when all is fine). */
async function missingPermissions(guild: Guild, channelId: string): Promise<string[]> {
  const channel = guild.channels.cache.get(channelId) ?? (await guild.channels.fetch(channelId).catch(() => null));
  const me = guild.members.me ?? (await guild.members.fetchMe().catch(() => null));
  if (!channel || !me) return ['View Channel'];
  const permissions = channel.permissionsFor(me);
  return NEEDED.filter(([flag]) => !permissions?.has(flag)).map(([, name]) => name);
}

function bindingEmbed(binding: GuildBinding): EmbedBuilder {
  return new EmbedBuilder()
    .setColor(0x7a1f2b)
    .setTitle('Valentina setup')
    .addFields(
      { name: 'Company', value: binding.companyName, inline: true },
      { name: 'Approvals channel', value: `<#${binding.approvalsChannelId}>`, inline: true },
      { name: 'Default campaign', value: binding.defaultCampaignName ?? 'none — `/xp` asks for one', inline: true },
      { name: 'XP log channel', value: binding.auditChannelId ? `<#${binding.auditChannelId}>` : 'none', inline: true },
    )
    .setFooter({ text: `Last changed by a server manager on ${binding.updatedAt.slice(0, 10)}` });
}

async function connect(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const guild = interaction.guild;
  if (!guild) throw new UserError(GUILD_ONLY_MESSAGE);
  const companyOption = interaction.options.getString('company', true);
  const companies = await deps.directory.companies();
  const company = pickChoice(companies, companyOption);
  if (!company) {
    throw new UserError(`The bot has no access to a company called "${companyOption.slice(0, 50)}". Pick one from the list that appears as you type; if yours is missing, ask Valentina to grant the bot's API key access.`);
  }
  const approvals = interaction.options.getChannel('approvals_channel', true);
  const audit = interaction.options.getChannel('audit_channel');
  for (const channel of [approvals, audit]) {
    if (!channel) continue;
    const missing = await missingPermissions(guild, channel.id);
    if (missing.length > 0) {
      throw new UserError(`I can't post in <#${channel.id}>: I'm missing the **${missing.join('**, **')}** permission${missing.length > 1 ? 's' : ''} there. Give me ${missing.length > 1 ? 'them' : 'it'} (channel settings → Permissions) and run \`/setup connect\` again.`);
    }
  }
  const campaignOption = interaction.options.getString('default_campaign');
  let campaign: { id: string; name: string } | undefined;
  if (campaignOption) {
    const campaigns = await deps.directory.campaigns(company.id);
    campaign = pickChoice(campaigns, campaignOption);
    if (!campaign) throw new UserError(`**${company.name}** has no campaign called "${campaignOption.slice(0, 50)}". Pick one from the list that appears as you type.`);
  }
  const previous = await deps.bindings.get(guild.id);
  const binding = await deps.bindings.set({
    guildId: guild.id,
    companyId: company.id,
    companyName: company.name,
    approvalsChannelId: approvals.id,
    defaultCampaignId: campaign?.id ?? null,
    defaultCampaignName: campaign?.name ?? null,
    auditChannelId: audit?.id ?? null,
    updatedBy: interaction.user.id,
    showEmailInApprovals: previous?.showEmailInApprovals ?? false,
  });
  deps.logger.info({ guildId: guild.id, companyId: company.id }, previous ? 'guild binding updated' : 'guild bound to a company');
  return {
    content: previous ? 'Setup updated.' : `This server now plays in **${company.name}**. Players can run \`/link\` to connect their accounts.`,
    embeds: [bindingEmbed(binding)],
  };
}

async function show(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  if (!interaction.guildId) throw new UserError(GUILD_ONLY_MESSAGE);
  const binding = await deps.bindings.get(interaction.guildId);
  if (!binding) throw new UserError(NOT_SET_UP_MESSAGE);
  return { embeds: [bindingEmbed(binding)] };
}

export const setup: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('setup')
    .setDescription('Connect this server to a Valentina company')
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .addSubcommand((sub) =>
      sub
        .setName('connect')
        .setDescription('Choose the company and the channels the bot posts in (run again to change them)')
        .addStringOption((o) => o.setName('company').setDescription('The Valentina company this server plays in').setRequired(true).setAutocomplete(true).setMaxLength(100))
        .addChannelOption((o) => o.setName('approvals_channel').setDescription('Where new players wait for approval').setRequired(true).addChannelTypes(ChannelType.GuildText))
        .addStringOption((o) => o.setName('default_campaign').setDescription('Campaign used by /xp when none is given').setAutocomplete(true).setMaxLength(100))
        .addChannelOption((o) => o.setName('audit_channel').setDescription('Where every XP change is logged').addChannelTypes(ChannelType.GuildText)),
    )
    .addSubcommand((sub) => sub.setName('show').setDescription('Show how this server is connected')),
  visibility: 'ephemeral',
  audience: 'Server managers (Manage Server)',

  execute(interaction, deps) {
    return interaction.options.getSubcommand(true) === 'show' ? show(interaction, deps) : connect(interaction, deps);
  },

  async autocomplete(interaction, deps): Promise<Choices> {
    const focused = interaction.options.getFocused(true);
    if (focused.name === 'company') return deps.directory.companyChoices(focused.value);
    const typedCompany = interaction.options.getString('company');
    const companies = await deps.directory.companies();
    const companyId = companies.find((c) => c.id === typedCompany)?.id ?? (interaction.guildId ? (await deps.bindings.get(interaction.guildId))?.companyId : undefined);
    return companyId ? deps.directory.campaignChoices(companyId, focused.value) : [];
  },
};
