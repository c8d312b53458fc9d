/** `/cp add` — cool points; Valentina converts each into XP at its own rate, which the reply states. */
import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder } from 'discord.js';
import type { CommandModule } from '../src/discord/types.js';
import { changeExperience } from '../src/experience/grant.js';
import { campaignAutocomplete, changeOptions } from './xp.js';

export const cp: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('cp')
    .setDescription('Cool points: reward a great moment')
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addSubcommand((sub) => changeOptions(sub.setName('add').setDescription('Grant cool points to a player'), 'cool points')),
  visibility: 'public',
  audience: "Storytellers and admins; players too where the company's Grant XP setting allows",
  howToCheck: 'Check with `/xp show` before you send it again.',

  execute(interaction, deps) {
    return changeExperience('cp-add', interaction, deps);
  },

  autocomplete(interaction, deps) {
    return campaignAutocomplete(interaction.guildId, interaction.options.getFocused(), deps);
  },
};
