/** `/unlink` — remove the Discord identity from your Valentina account. */
import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { UserError } from '../src/discord/errors.js';
import type { CommandModule } from '../src/discord/types.js';
import { withActor } from '../src/identity/context.js';
import { hasCode } from '../src/valentina/index.js';

export const unlink: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('unlink')
    .setDescription('Disconnect your Discord account from Valentina')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall),
  visibility: 'ephemeral',
  howToCheck: 'Check with `/whoami` before you try again.',

  async execute(interaction, deps) {
    return withActor(interaction, deps, async (actor) => {
      try {
        await deps.valentina.identity.unlink(actor.companyId, actor.userId, 'discord', { onBehalfOf: actor.userId });
      } catch (error) {
        if (hasCode(error, 'LAST_IDENTITY')) {
          throw new UserError(
            `Discord is the only way you sign in to Valentina in **${actor.companyName}**, so it can't be unlinked. Add another sign-in (Google, GitHub or Apple) in the Valentina web app first.`,
          );
        }
        if (hasCode(error, 'IDENTITY_NOT_LINKED')) {
          await deps.resolver.invalidate(interaction.user.id);
          throw new UserError('Your Valentina account has no Discord link any more — nothing to do.');
        }
        throw error;
      }
      await deps.resolver.invalidate(interaction.user.id);
      return { content: `Your Discord account is no longer linked to your Valentina account in **${actor.companyName}**. Run \`/link\` to connect it again.` };
    });
  },
};
