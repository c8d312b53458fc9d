/** How a member is called in this server: nickname, else display name. */
import { GuildMember, type ChatInputCommandInteraction, type User } from 'discord.js';

/** The member named in the `option` user option, or the one running the command when `option` is null. */
export function memberName(interaction: ChatInputCommandInteraction, option: string | null, user: User): string {
  const member = option ? interaction.options.getMember(option) : interaction.member;
  if (member instanceof GuildMember) return member.displayName;
  if (member && 'nick' in member && typeof member.nick === 'string' && member.nick) return member.nick;
  return user.displayName;
}
