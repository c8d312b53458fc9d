/**
 * A slash command as the person typed it (`/quickroll create name:Punch traits:Strength, Brawl`), to
 * hand back when the bot could not carry it out through no fault of theirs, so nothing they typed is
 * lost. Users and channels are shown by name; free text as typed.
 */
import { ApplicationCommandOptionType } from 'discord.js';

/** The parts of discord.js' `CommandInteractionOption` this reads. */
export interface TypedOption {
  name: string;
  type: ApplicationCommandOptionType;
  value?: string | number | boolean | undefined;
  options?: readonly TypedOption[] | undefined;
  user?: { username: string } | undefined;
  channel?: { name?: string | null } | null | undefined;
  role?: { name: string } | null | undefined;
}

/** Longest command line handed back; longer ones end with "…". */
export const TYPED_COMMAND_MAX = 1_000;

function words(options: readonly TypedOption[]): string[] {
  return options.flatMap((option) => {
    if (option.type === ApplicationCommandOptionType.Subcommand || option.type === ApplicationCommandOptionType.SubcommandGroup) {
      return [option.name, ...words(option.options ?? [])];
    }
    const shown = option.user ? `@${option.user.username}` : option.channel?.name ? `#${option.channel.name}` : option.role ? `@${option.role.name}` : String(option.value ?? '');
    return [`${option.name}:${shown}`];
  });
}

/** The command line, or undefined when the command has no free text worth handing back. */
export function typedCommand(commandName: string, options: readonly TypedOption[]): string | undefined {
  const hasText = (list: readonly TypedOption[]): boolean =>
    list.some((o) => (o.type === ApplicationCommandOptionType.String && String(o.value ?? '').trim() !== '') || hasText(o.options ?? []));
  if (!hasText(options)) return undefined;
  const line = [`/${commandName}`, ...words(options)].join(' ').replace(/`/g, "'");
  return line.length > TYPED_COMMAND_MAX ? `${line.slice(0, TYPED_COMMAND_MAX - 1)}…` : line;
}
