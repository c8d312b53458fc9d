/**
 * What `/setup` shows and checks, shared by its subcommands: who may run it (Manage Server, checked here
 * as Discord's default for the command can be overridden per role), whether the bot may post in a
 * channel, and the embed listing every setting of a binding with its current value.
 */
import { EmbedBuilder, PermissionFlagsBits, type AutocompleteInteraction, type ChatInputCommandInteraction, type Guild } from 'discord.js';
import { UserError } from '../discord/errors.js';
import { GUILD_ONLY_MESSAGE } from './context.js';
import { GuildBindingSchema, type ArchivedBinding, type GuildBinding } from './guild-binding.js';

const NEEDED = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
] as const;

export const MANAGE_SERVER_MESSAGE =
  'Only members with the **Manage Server** permission in this server can use `/setup`. Ask a server manager to run it.';

/** Defaults of a new binding's settings (from the schema, so they never drift). */
export const SETTING_DEFAULTS = {
  ...GuildBindingSchema.pick({ xpConfirmAbove: true, cpConfirmAbove: true, showEmailInApprovals: true }).parse({}),
  rollVisibility: 'public' as const,
};

export const ROLL_VISIBILITY = {
  public: 'Public — everyone in the channel sees rolls',
  private: 'Private — only the roller sees their rolls',
} as const;

/** What the bot lacks in the channel, by Discord's permission names (empty when all is fine). */
export async function missingPermissions(guild: Guild, channelId: string): Promise<string[]> {
  const channel = guild.channels.cache.get(channelId) ?? (await guild.channels.fetch(channelId).catch(() => null));
  const me = guild.members.me ?? (await guild.members.fetchMe().catch(() => null));
  if (!channel || !me) return ['View Channel'];
  const permissions = channel.permissionsFor(me);
  return NEEDED.filter(([flag]) => !permissions?.has(flag)).map(([, name]) => name);
}

/** Refuses a channel the bot cannot post in, naming what it lacks and how to fix it. */
export async function requirePostable(guild: Guild, channelId: string, rerun: string): Promise<void> {
  const missing = await missingPermissions(guild, channelId);
  if (missing.length === 0) return;
  const them = missing.length > 1 ? 'them' : 'it';
  throw new UserError(
    `I can't post in <#${channelId}>: I'm missing the **${missing.join('**, **')}** permission${missing.length > 1 ? 's' : ''} there. Give me ${them} (channel settings → Permissions) and run \`${rerun}\` again.`,
  );
}

/** Manage Server, as Discord reports it for this member in this channel. */
export function isServerManager(interaction: ChatInputCommandInteraction | AutocompleteInteraction): boolean {
  return interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false;
}

export function requireServerManager(interaction: ChatInputCommandInteraction): Guild {
  if (!interaction.inGuild()) throw new UserError(GUILD_ONLY_MESSAGE);
  if (!isServerManager(interaction)) throw new UserError(MANAGE_SERVER_MESSAGE);
  if (!interaction.guild) throw new UserError(GUILD_ONLY_MESSAGE);
  return interaction.guild;
}

/** Every setting of the binding with its current value. */
export function bindingEmbed(binding: GuildBinding, title = 'Valentina setup'): EmbedBuilder {
  const rolls = binding.rollVisibility ?? SETTING_DEFAULTS.rollVisibility;
  return new EmbedBuilder()
    .setColor(0x7a1f2b)
    .setTitle(title)
    .addFields(
      { name: 'Company', value: binding.companyName, inline: true },
      { name: 'Approvals channel', value: `<#${binding.approvalsChannelId}>`, inline: true },
      { name: 'Default campaign', value: binding.defaultCampaignName ?? 'none — `/xp` asks for one', inline: true },
      { name: 'XP log channel', value: binding.auditChannelId ? `<#${binding.auditChannelId}>` : 'none', inline: true },
      { name: 'Confirm XP grants above', value: `${binding.xpConfirmAbove} XP`, inline: true },
      { name: 'Confirm cool point grants above', value: `${binding.cpConfirmAbove} cool point${binding.cpConfirmAbove === 1 ? '' : 's'}`, inline: true },
      { name: 'Approval cards show emails', value: binding.showEmailInApprovals ? 'yes' : 'no — hidden', inline: true },
      { name: 'Roll visibility', value: ROLL_VISIBILITY[rolls], inline: true },
    )
    .setFooter({ text: `Last changed by a server manager on ${binding.updatedAt.slice(0, 10)}` });
}

/** What `/setup show` says in a server whose binding was archived when the bot was removed. */
export function archivedNotice(archived: ArchivedBinding): string {
  return `This server was connected to **${archived.binding.companyName}** until I was removed on ${archived.archivedAt.slice(0, 10)}. Those settings are kept until ${archived.expiresAt.slice(0, 10)}: run \`/setup restore\` to bring them back, or \`/setup connect\` to start anew.`;
}
