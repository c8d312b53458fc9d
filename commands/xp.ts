/** `/xp add|remove|show|session|spend|history|undo` — experience per campaign, changed exactly once, in the ledger and undoable for a while. */
import {
  ApplicationCommandType,
  ApplicationIntegrationType,
  ContextMenuCommandBuilder,
  InteractionContextType,
  SlashCommandBuilder,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import type { BotDeps, Choices, CommandModule } from '../src/discord/types.js';
import { changeOrAsk, confirmationRoutes } from '../src/experience/confirm.js';
import { MAX_XP_AMOUNT } from '../src/experience/change.js';
import { historyExport, historyMessage, historyRoutes } from '../src/experience/history.js';
import { showExperience } from '../src/experience/show.js';
import { sessionPanel, sessionRoutes } from '../src/experience/session.js';
import { VOICE_CHANNEL_TYPES } from '../src/experience/session-members.js';
import { spendExperience } from '../src/experience/spend.js';
import { undoFromCommand, undoableChoices, undoRoutes } from '../src/experience/undo.js';

/** The options `/xp add`, `/xp remove` and `/cp add` share; `max` bounds the amount. */
export function changeOptions(sub: SlashCommandSubcommandBuilder, verb: string, max: number = MAX_XP_AMOUNT): SlashCommandSubcommandBuilder {
  return sub
    .addUserOption((o) => o.setName('user').setDescription(`Whose ${verb}`).setRequired(true))
    .addIntegerOption((o) => o.setName('amount').setDescription(`How much (1–${max})`).setRequired(true).setMinValue(1).setMaxValue(max))
    .addStringOption((o) => o.setName('campaign').setDescription('Campaign (default: the server’s default campaign)').setAutocomplete(true).setMaxLength(100))
    .addStringOption((o) => o.setName('reason').setDescription('Why, for the record').setMaxLength(500));
}

/** Campaign autocomplete from the cached company directory; answers nothing outside a set-up server. */
export async function campaignAutocomplete(guildId: string | null, typed: string, deps: BotDeps): Promise<Choices> {
  if (!guildId) return [];
  const binding = await deps.bindings.get(guildId);
  return binding ? deps.directory.campaignChoices(binding.companyId, typed) : [];
}

export const xp: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('xp')
    .setDescription('Experience points: grant, spend, or look them up')
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addSubcommand((sub) => changeOptions(sub.setName('add').setDescription('Grant experience to a player'), 'experience'))
    .addSubcommand((sub) => changeOptions(sub.setName('remove').setDescription('Remove (spend) a player’s experience'), 'experience'))
    .addSubcommand((sub) =>
      sub
        .setName('show')
        .setDescription('Show current XP, total XP and cool points')
        .addUserOption((o) => o.setName('user').setDescription('Whose experience (default: yours)'))
        .addStringOption((o) => o.setName('campaign').setDescription('One campaign (default: all)').setAutocomplete(true).setMaxLength(100)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('session')
        .setDescription('Grant the same XP to everyone in a voice channel or with a role')
        .addIntegerOption((o) => o.setName('amount').setDescription(`XP for each member (1–${MAX_XP_AMOUNT})`).setRequired(true).setMinValue(1).setMaxValue(MAX_XP_AMOUNT))
        .addStringOption((o) => o.setName('reason').setDescription('Why, for the record').setMaxLength(500))
        .addChannelOption((o) => o.setName('voice_channel').setDescription('Who is in this voice channel (default: the one you are in)').addChannelTypes(...VOICE_CHANNEL_TYPES))
        .addRoleOption((o) => o.setName('role').setDescription('Everyone with this role, instead of a voice channel'))
        .addStringOption((o) => o.setName('campaign').setDescription('Campaign (default: the server’s default campaign)').setAutocomplete(true).setMaxLength(100)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('spend')
        .setDescription('Spend your own experience')
        .addIntegerOption((o) => o.setName('amount').setDescription(`How much (1–${MAX_XP_AMOUNT})`).setRequired(true).setMinValue(1).setMaxValue(MAX_XP_AMOUNT))
        .addStringOption((o) => o.setName('reason').setDescription('What you spent it on').setRequired(true).setMaxLength(500))
        .addStringOption((o) => o.setName('campaign').setDescription('Campaign (default: the server’s default campaign)').setAutocomplete(true).setMaxLength(100)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('history')
        .setDescription('Every XP and cool point change, newest first')
        .addUserOption((o) => o.setName('user').setDescription('Whose changes (players: only their own)'))
        .addStringOption((o) => o.setName('campaign').setDescription('One campaign (default: all)').setAutocomplete(true).setMaxLength(100))
        .addBooleanOption((o) => o.setName('export').setDescription('Attach the history as a CSV file')),
    )
    .addSubcommand((sub) =>
      sub
        .setName('undo')
        .setDescription('Undo a recent XP or cool point change you made')
        .addStringOption((o) => o.setName('entry').setDescription('The change (from the list, or its entry id in /xp history)').setRequired(true).setAutocomplete(true).setMaxLength(40)),
    ),
  userMenus: [
    {
      data: new ContextMenuCommandBuilder()
        .setName('XP history')
        .setType(ApplicationCommandType.User)
        .setContexts(InteractionContextType.Guild)
        .setIntegrationTypes(ApplicationIntegrationType.GuildInstall),
      execute: (interaction, deps) =>
        historyMessage({ guildId: interaction.guildId, viewer: interaction.user, member: interaction.targetUser, campaign: null, page: 0 }, deps),
    },
  ],
  visibility: 'public',
  audience:
    "Everyone for `show` and `history` (players see their own changes); `add`, `remove` and `session`: storytellers and admins, players too where the company's Grant XP setting allows; `spend`: players, where that setting allows; `undo`: who made the change, or an admin",
  howToCheck: 'Check with `/xp show` before you send it again.',

  async execute(interaction, deps) {
    const sub = interaction.options.getSubcommand(true);
    if (sub === 'show') return showExperience(interaction, deps);
    if (sub === 'session') return sessionPanel(interaction, deps);
    if (sub === 'spend') return spendExperience(interaction, deps);
    if (sub === 'history') {
      const query = {
        guildId: interaction.guildId,
        viewer: interaction.user,
        member: interaction.options.getUser('user'),
        campaign: interaction.options.getString('campaign'),
        page: 0,
      };
      return interaction.options.getBoolean('export') ? historyExport(query, deps) : historyMessage(query, deps);
    }
    if (sub === 'undo') {
      return undoFromCommand({ interactionId: interaction.id, guildId: interaction.guildId, user: interaction.user }, interaction.options.getString('entry', true).trim(), deps);
    }
    return changeOrAsk(sub === 'add' ? 'xp-add' : 'xp-remove', interaction, deps);
  },

  autocomplete(interaction, deps) {
    const focused = interaction.options.getFocused(true);
    if (focused.name === 'entry') return undoableChoices(interaction.guildId, interaction.user.id, focused.value, deps);
    return campaignAutocomplete(interaction.guildId, focused.value, deps);
  },

  /** Confirm and Cancel of large grants and grants to yourself (`/cp add` asks with the same buttons); the session panel; Undo; history pages. */
  components: [...confirmationRoutes, ...sessionRoutes, ...undoRoutes, ...historyRoutes],
};
