/**
 * `/notes list` — your latest Valentina notes (DMs and servers); and the buttons on the confirmation
 * a DM note gets: undo (for a minute) and delete (with confirmation).
 */
import { ActionRowBuilder, ApplicationIntegrationType, ButtonBuilder, ButtonStyle, EmbedBuilder, InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { componentRoute } from '../src/discord/components.js';
import { UserError } from '../src/discord/errors.js';
import type { BotDeps, CommandModule, ComponentInteraction, ComponentReply } from '../src/discord/types.js';
import { withActor } from '../src/identity/context.js';
import { confirmDeleteNoteId, deleteNoteId, UNDO_SECONDS, undoNoteId } from '../src/notes/dm-handler.js';
import { ValentinaNotFoundError } from '../src/valentina/index.js';

/** Deletes one of the actor's own notes (Valentina checks no ownership: the bot does). */
async function deleteOwnNote(interaction: ComponentInteraction, deps: BotDeps, noteId: string, done: string): Promise<ComponentReply> {
  return withActor(interaction, deps, async (actor) => {
    try {
      await deps.valentina.notes.get(actor.companyId, actor.userId, noteId, { onBehalfOf: actor.userId });
      await deps.valentina.notes.delete(actor.companyId, actor.userId, noteId, { onBehalfOf: actor.userId });
    } catch (error) {
      if (!(error instanceof ValentinaNotFoundError)) throw error;
      return { update: { content: 'That note was already deleted.', embeds: [], components: [] } };
    }
    return { update: { content: done, embeds: [], components: [] } };
  });
}

export const notes: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('notes')
    .setDescription('Your Valentina notes (DM the bot to write one)')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addSubcommand((sub) => sub.setName('list').setDescription('Your latest notes')),
  visibility: 'ephemeral',

  async execute(interaction, deps) {
    return withActor(interaction, deps, async (actor) => {
      const all = await deps.valentina.notes.listAll(actor.companyId, actor.userId, { onBehalfOf: actor.userId });
      all.sort((a, b) => b.date_created.localeCompare(a.date_created));
      const embed = new EmbedBuilder()
        .setColor(0x7a1f2b)
        .setTitle(`Your notes in ${actor.companyName}`.slice(0, 256))
        .setDescription(all.slice(0, 15).map((n) => `• **${n.title}** — ${n.date_created.slice(0, 10)}`).join('\n') || 'No notes yet. DM me a message and it becomes a note.')
        .setFooter({ text: `${all.length} note${all.length === 1 ? '' : 's'}` });
      return { embeds: [embed] };
    });
  },

  components: [
    componentRoute(undoNoteId, async (interaction, { n, t }, deps) => {
      if (Date.now() / 1000 - t > UNDO_SECONDS) throw new UserError('Undo works for a minute after saving; use **Delete** instead.');
      return deleteOwnNote(interaction, deps, n, 'Undone: the note was removed from Valentina.');
    }),
    componentRoute(deleteNoteId, async (_interaction, { n }) => ({
      update: {
        content: 'Delete this note from Valentina? This cannot be undone.',
        components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId(confirmDeleteNoteId.encode({ n })).setLabel('Yes, delete it').setStyle(ButtonStyle.Danger))],
      },
    })),
    componentRoute(confirmDeleteNoteId, (interaction, { n }, deps) => deleteOwnNote(interaction, deps, n, 'Deleted: the note was removed from Valentina.')),
  ],
};
