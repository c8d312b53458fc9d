/**
 * `/whoami` — who you are in Valentina: in a server, your user and role in its company; in DMs, every
 * company you belong to, and a menu to choose the one your DMs (notes) act in.
 */
import {
  ActionRowBuilder,
  ApplicationIntegrationType,
  EmbedBuilder,
  escapeMarkdown,
  InteractionContextType,
  SlashCommandBuilder,
  StringSelectMenuBuilder,
} from 'discord.js';
import { z } from 'zod';
import { componentRoute } from '../src/discord/components.js';
import { defineCustomId } from '../src/discord/custom-id.js';
import { UserError } from '../src/discord/errors.js';
import type { CommandModule, ReplyMessage } from '../src/discord/types.js';
import { withActor } from '../src/identity/context.js';
import { describeResolution, type LookupEntry } from '../src/identity/resolver.js';

export const dmCompanyId = defineCustomId('whoami.dm', z.object({}));

const ROLE_NAMES: Record<LookupEntry['role'], string> = {
  ADMIN: 'Admin',
  STORYTELLER: 'Storyteller',
  PLAYER: 'Player',
  UNAPPROVED: 'Waiting for approval',
  DEACTIVATED: 'Deactivated',
};

function dmView(entries: LookupEntry[], chosen: string | null): ReplyMessage {
  const embed = new EmbedBuilder()
    .setColor(0x7a1f2b)
    .setTitle('Your Valentina accounts')
    .setDescription(entries.map((e) => `**${e.company_name}** — ${ROLE_NAMES[e.role]}${e.company_id === chosen ? ' · used in DMs' : ''}`).join('\n'));
  const active = entries.filter((e) => e.role !== 'UNAPPROVED' && e.role !== 'DEACTIVATED');
  if (active.length < 2) return { embeds: [embed] };
  const menu = new StringSelectMenuBuilder()
    .setCustomId(dmCompanyId.encode({}))
    .setPlaceholder('Company to use in DMs (notes)')
    .addOptions(active.slice(0, 25).map((e) => ({ label: e.company_name.slice(0, 100), value: e.company_id, default: e.company_id === chosen })));
  return { embeds: [embed], components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(menu)] };
}

export const whoami: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('whoami')
    .setDescription('Show which Valentina account you act as')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall),
  visibility: 'ephemeral',

  async execute(interaction, deps) {
    if (!interaction.guildId) {
      const entries = await deps.resolver.lookup(interaction.user.id);
      if (entries.length === 0) throw new UserError(describeResolution({ status: 'not_linked' }));
      return dmView(entries, await deps.resolver.getDmCompany(interaction.user.id));
    }
    const embed = await withActor(interaction, deps, async (actor) => {
      const user = await deps.valentina.users.get(actor.companyId, actor.userId, {}, { onBehalfOf: actor.userId });
      const fullName = [user.name_first, user.name_last].filter(Boolean).join(' ');
      return new EmbedBuilder()
        .setColor(0x7a1f2b)
        .setTitle('Your Valentina account')
        .addFields(
          { name: 'Company', value: actor.companyName, inline: true },
          { name: 'Role', value: ROLE_NAMES[actor.role], inline: true },
          { name: 'Valentina user', value: escapeMarkdown(fullName ? `${user.username} (${fullName})` : user.username).slice(0, 1024), inline: true },
          { name: 'User id', value: `\`${actor.userId}\``, inline: false },
        );
    });
    return { embeds: [embed] };
  },

  components: [
    componentRoute(dmCompanyId, async (interaction, _payload, deps) => {
      if (!interaction.isStringSelectMenu()) throw new UserError('Pick a company from the menu.');
      const companyId = interaction.values[0] ?? '';
      const entries = await deps.resolver.lookup(interaction.user.id);
      const entry = entries.find((e) => e.company_id === companyId && e.role !== 'UNAPPROVED' && e.role !== 'DEACTIVATED');
      if (!entry) throw new UserError("You can't act in that company. Run `/whoami` again to see your accounts.");
      await deps.resolver.setDmCompany(interaction.user.id, entry.company_id);
      return { update: { ...dmView(entries, entry.company_id), content: `Your DMs now act in **${entry.company_name}**.` } };
    }),
  ],
};
