/**
 * `/link` — connect your Discord account to your Valentina user through Discord sign-in. The button
 * opens Discord's authorize page; the bot's callback finishes the link and updates this reply. In DMs
 * the company is the user's only one, or picked from a menu of the companies the bot can reach.
 */
import {
  ActionRowBuilder,
  ApplicationIntegrationType,
  ButtonBuilder,
  ButtonStyle,
  InteractionContextType,
  SlashCommandBuilder,
  StringSelectMenuBuilder,
} from 'discord.js';
import { z } from 'zod';
import { componentRoute } from '../src/discord/components.js';
import { defineCustomId } from '../src/discord/custom-id.js';
import { UserError } from '../src/discord/errors.js';
import type { BotDeps, CommandModule, ReplyMessage } from '../src/discord/types.js';
import { requireBinding } from '../src/identity/context.js';
import { authorizeUrl } from '../src/identity/link-flow.js';

export const linkCompanyId = defineCustomId('link.company', z.object({}));

interface Asker {
  user: { id: string };
  guildId: string | null;
  token: string;
}

/** The reply with the sign-in button for `company`, carrying a fresh single-use state. */
async function signInReply(asker: Asker, deps: BotDeps, company: { id: string; name: string }): Promise<ReplyMessage> {
  const state = await deps.oauthStates.create({
    discordUserId: asker.user.id,
    guildId: asker.guildId,
    companyId: company.id,
    interactionToken: asker.token,
  });
  const url = authorizeUrl({ discord: deps.config.discord, publicUrl: deps.config.http.publicUrl }, state);
  const button = new ButtonBuilder().setStyle(ButtonStyle.Link).setURL(url).setLabel('Sign in with Discord');
  return {
    content:
      `Link your Discord account to **${company.name}** in Valentina: press the button and approve the sign-in. ` +
      'The link works once and expires in 10 minutes. If you already have a Valentina account with the same verified email, it is connected; otherwise a new account is created and waits for approval.',
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(button)],
  };
}

/** In DMs, for a user with no company or several: which company to link to. */
async function companyMenu(deps: BotDeps): Promise<ReplyMessage> {
  const companies = await deps.directory.companies();
  if (companies.length === 0) throw new UserError('The bot cannot reach any Valentina company yet. Ask your server admins to check its API key.');
  const menu = new StringSelectMenuBuilder()
    .setCustomId(linkCompanyId.encode({}))
    .setPlaceholder('Company to link to')
    .addOptions(companies.slice(0, 25).map((c) => ({ label: c.name.slice(0, 100), value: c.id })));
  return {
    content: "Which Valentina company do you want to link your Discord account to? (Running `/link` in your table's server picks its company for you.)",
    components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)],
  };
}

export const link: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('link')
    .setDescription('Link your Discord account to your Valentina account')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall),
  visibility: 'ephemeral',
  howToCheck: 'Check with `/whoami` before you try again.',

  async execute(interaction, deps) {
    if (interaction.guildId) {
      const binding = await requireBinding(interaction, deps);
      return signInReply(interaction, deps, { id: binding.companyId, name: binding.companyName });
    }
    // In DMs: the user's only company, else a menu of the companies the bot reaches.
    const memberships = await deps.resolver.lookup(interaction.user.id);
    const only = memberships.length === 1 ? memberships[0] : undefined;
    return only ? signInReply(interaction, deps, { id: only.company_id, name: only.company_name }) : companyMenu(deps);
  },

  components: [
    componentRoute(linkCompanyId, async (interaction, _payload, deps) => {
      if (!interaction.isStringSelectMenu()) throw new UserError('Pick a company from the menu.');
      const company = (await deps.directory.companies()).find((c) => c.id === interaction.values[0]);
      if (!company) throw new UserError('That company is no longer available. Run `/link` again.');
      return { update: await signInReply(interaction, deps, company) };
    }),
  ],
};
