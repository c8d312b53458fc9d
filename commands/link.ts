/**
 * `/link` — connect your Discord account to your Valentina user through Discord sign-in. The button
 * opens Discord's authorize page; the bot's callback finishes the link and updates this reply.
 */
import {
  ActionRowBuilder,
  ApplicationIntegrationType,
  ButtonBuilder,
  ButtonStyle,
  InteractionContextType,
  SlashCommandBuilder,
} from 'discord.js';
import { UserError } from '../src/discord/errors.js';
import type { CommandModule } from '../src/discord/types.js';
import { requireBinding } from '../src/identity/context.js';
import { authorizeUrl } from '../src/identity/link-flow.js';

export const link: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('link')
    .setDescription('Link your Discord account to your Valentina account')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall),
  visibility: 'ephemeral',

  async execute(interaction, deps) {
    let company: { id: string; name: string };
    if (interaction.guildId) {
      const binding = await requireBinding(interaction, deps);
      company = { id: binding.companyId, name: binding.companyName };
    } else {
      // In DMs the company is the one the user already belongs to; a first link happens in the table's server.
      const memberships = await deps.resolver.lookup(interaction.user.id);
      const chosen = await deps.resolver.getDmCompany(interaction.user.id);
      const entry = memberships.find((m) => m.company_id === chosen) ?? (memberships.length === 1 ? memberships[0] : undefined);
      if (!entry) {
        throw new UserError(
          memberships.length === 0
            ? "Run `/link` in your table's Discord server, so I know which Valentina company to link you to."
            : 'You play in several companies: run `/link` in the server of the one you want to link, or pick one with `/whoami` first.',
        );
      }
      company = { id: entry.company_id, name: entry.company_name };
    }
    const state = await deps.oauthStates.create({
      discordUserId: interaction.user.id,
      guildId: interaction.guildId,
      companyId: company.id,
      interactionToken: interaction.token,
    });
    const url = authorizeUrl({ discord: deps.config.discord, publicUrl: deps.config.http.publicUrl }, state);
    const button = new ButtonBuilder().setStyle(ButtonStyle.Link).setURL(url).setLabel('Sign in with Discord');
    return {
      content:
        `Link your Discord account to **${company.name}** in Valentina: press the button and approve the sign-in. ` +
        'The link works once and expires in 10 minutes. If you already have a Valentina account with the same verified email, it is connected; otherwise a new account is created and waits for approval.',
      components: [new ActionRowBuilder<ButtonBuilder>().addComponents(button)],
    };
  },
};
