/**
 * `/help [command]` — the registered commands with their descriptions, a page at a time, with a
 * button per command for its details (options, where it works, who may use it). The first page also
 * says what is new in the latest version (commands/whats-new.ts, generated from CHANGELOG.md).
 */
import {
  ActionRowBuilder,
  ApplicationCommandOptionType,
  ApplicationIntegrationType,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  escapeMarkdown,
  InteractionContextType,
  SlashCommandBuilder,
  type APIApplicationCommandOption,
} from 'discord.js';
import { z } from 'zod';
import { componentRoute } from '../src/discord/components.js';
import { defineCustomId } from '../src/discord/custom-id.js';
import { UserError } from '../src/discord/errors.js';
import type { CommandModule, ReplyMessage } from '../src/discord/types.js';
import { WHATS_NEW } from './whats-new.js';

const PAGE_SIZE = 5;
const COLOR = 0x7a1f2b;
const commandName = z.string().regex(/^[-_\p{L}\p{N}]{1,32}$/u);

export const helpPageId = defineCustomId('help.page', z.object({ page: z.number().int().min(0).max(99) }));
export const helpDetailId = defineCustomId(
  'help.detail',
  z.object({ command: commandName, page: z.number().int().min(0).max(99) }),
);

type Registry = readonly CommandModule[];

/** The latest version's highlights as one embed field (at most Discord's 1,024 characters, whole lines only). */
export function whatsNewField(release: { version: string; highlights: readonly string[] } = WHATS_NEW): { name: string; value: string } {
  let value = '';
  for (const line of release.highlights.map((highlight) => `• ${highlight}`)) {
    if (value.length + line.length + 1 > 1_024) break;
    value += `${value ? '\n' : ''}${line}`;
  }
  return { name: `What's new in ${release.version}`, value: value || 'See the changelog.' };
}

function overview(commands: Registry, page: number): ReplyMessage {
  const pages = Math.max(1, Math.ceil(commands.length / PAGE_SIZE));
  const current = Math.min(Math.max(page, 0), pages - 1);
  const shown = commands.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  const embed = new EmbedBuilder()
    .setColor(COLOR)
    .setTitle('Commands')
    .setDescription(shown.map(({ data }) => `**/${data.name}** — ${data.description}`).join('\n') || 'No commands are registered.')
    .setFooter({ text: `Page ${current + 1} of ${pages} · press a button for details` });
  if (current === 0) embed.addFields(whatsNewField());
  const components = [];
  if (shown.length > 0) {
    components.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        shown.map(({ data }) =>
          new ButtonBuilder()
            .setCustomId(helpDetailId.encode({ command: data.name, page: current }))
            .setLabel(`/${data.name}`)
            .setStyle(ButtonStyle.Secondary),
        ),
      ),
    );
  }
  if (pages > 1) {
    components.push(
      new ActionRowBuilder<ButtonBuilder>().addComponents(
        new ButtonBuilder()
          .setCustomId(helpPageId.encode({ page: Math.max(current - 1, 0) }))
          .setLabel('Previous')
          .setStyle(ButtonStyle.Primary)
          .setDisabled(current === 0),
        new ButtonBuilder()
          .setCustomId(helpPageId.encode({ page: Math.min(current + 1, pages - 1) }))
          .setLabel('Next')
          .setStyle(ButtonStyle.Primary)
          .setDisabled(current === pages - 1),
      ),
    );
  }
  return { embeds: [embed], components };
}

const describeOption = (option: APIApplicationCommandOption) =>
  `\`${option.name}\`${'required' in option && option.required ? '' : ' (optional)'} — ${option.description}`;

const isRequired = (option: APIApplicationCommandOption) => 'required' in option && option.required === true;

/** `/quickroll run quickroll [character]` — a subcommand as it is typed, optional options in brackets. */
function describeSubcommand(prefix: string, option: APIApplicationCommandOption): string[] {
  const path = `${prefix} ${option.name}`;
  const children = 'options' in option ? (option.options ?? []) : [];
  if (option.type === ApplicationCommandOptionType.SubcommandGroup) return children.flatMap((child) => describeSubcommand(path, child));
  const usage = children.map((child) => (isRequired(child) ? child.name : `[${child.name}]`)).join(' ');
  return [`\`${path}${usage ? ` ${usage}` : ''}\` — ${option.description}`];
}

/** The Options field, or a Subcommands field for commands made of subcommands (within Discord's 1,024 characters). */
function optionsField(body: { name: string; options?: APIApplicationCommandOption[] }): { name: string; value: string } {
  const options = body.options ?? [];
  const grouped = options.some((o) => o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup);
  const lines = grouped ? options.flatMap((o) => describeSubcommand(`/${body.name}`, o)) : options.map(describeOption);
  let value = '';
  for (const line of lines) {
    if (value.length + line.length + 1 > 1_024) break;
    value += `${value ? '\n' : ''}${line}`;
  }
  return { name: grouped ? 'Subcommands' : 'Options', value: value || 'None' };
}

function detail(commands: Registry, name: string, page: number): ReplyMessage {
  const command = commands.find(({ data }) => data.name === name);
  if (!command) throw new UserError(`There is no /${escapeMarkdown(name.slice(0, 32))} command. Run /help to see them all.`);
  const body = command.data.toJSON();
  const worksInDms = body.contexts?.includes(InteractionContextType.BotDM) ?? true;
  const embed = new EmbedBuilder()
    .setColor(COLOR)
    .setTitle(`/${body.name}`)
    .setDescription(body.description)
    .addFields(
      optionsField(body),
      { name: 'Where', value: worksInDms ? 'In servers and in DMs with the bot' : 'In servers only', inline: true },
      {
        name: 'Who',
        value: command.audience ?? (body.default_member_permissions ? 'Members with the permission a server admin chose' : 'Everyone'),
        inline: true,
      },
    );
  const back = new ButtonBuilder().setCustomId(helpPageId.encode({ page })).setLabel('All commands').setStyle(ButtonStyle.Secondary);
  return { embeds: [embed], components: [new ActionRowBuilder<ButtonBuilder>().addComponents(back)] };
}

export const help: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('help')
    .setDescription('List the commands and what they do')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addStringOption((option) =>
      option.setName('command').setDescription('Show the details of one command').setAutocomplete(true).setMaxLength(32),
    ),
  visibility: 'ephemeral',

  async execute(interaction, { commands }) {
    const name = interaction.options.getString('command');
    // What a person types without picking a suggestion: " /Quickroll run" means /quickroll.
    const typed = name?.trim().replace(/^\//, '').split(/\s+/)[0]?.toLowerCase();
    return typed ? detail(commands, typed, 0) : overview(commands, 0);
  },

  async autocomplete(interaction, { commands }) {
    const typed = interaction.options.getFocused().replace(/^\//, '').toLowerCase();
    const ranked = commands
      .map(({ data }) => ({ data, rank: data.name.startsWith(typed) ? 0 : data.name.includes(typed) ? 1 : 2 }))
      .filter(({ rank }) => rank < 2)
      .sort((a, b) => a.rank - b.rank || a.data.name.localeCompare(b.data.name));
    return ranked.slice(0, 25).map(({ data }) => ({ name: `/${data.name} — ${data.description}`.slice(0, 100), value: data.name }));
  },

  components: [
    componentRoute(helpPageId, async (_interaction, { page }, { commands }) => ({ update: overview(commands, page) })),
    componentRoute(helpDetailId, async (_interaction, { command, page }, { commands }) => ({ update: detail(commands, command, page) })),
  ],
};
