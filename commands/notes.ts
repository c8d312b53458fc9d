/**
 * `/notes list|view|search|edit|delete|company` — your Valentina notes, in DMs and servers (always
 * ephemeral). Writing a note is a DM to the bot (src/notes/dm-handler.ts); the buttons of its
 * confirmation (Edit, Delete, Undo) are handled here too.
 */
import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder, type SlashCommandStringOption } from 'discord.js';
import { z } from 'zod';
import { componentRoute } from '../src/discord/components.js';
import { UserError } from '../src/discord/errors.js';
import type { BotDeps, Choices, CommandModule } from '../src/discord/types.js';
import { withActor } from '../src/identity/context.js';
import { describeResolution } from '../src/identity/resolver.js';
import { askDelete, deleteNote, openEditForm, showNote, submitEdit } from '../src/notes/actions.js';
import { withCompanyActor } from '../src/notes/actor.js';
import { peekNoteIndex, noteIndex } from '../src/notes/cache.js';
import { chooseCompany, companyPicker, isActive } from '../src/notes/company.js';
import { noteCompanyId, noteDeleteId, noteDeleteYesId, noteEditId, noteKeepId, noteOpenId, notePageId, noteSaveId, noteUndoId } from '../src/notes/ids.js';
import { UNDO_SECONDS, undoExpired } from '../src/notes/settings.js';
import { listPage, noteChoices, pickNote, searchNotes } from '../src/notes/views.js';

const noteOption = (o: SlashCommandStringOption) =>
  o.setName('note').setDescription('Which note (start typing its title)').setRequired(true).setAutocomplete(true).setMaxLength(100);

async function companyMenu(deps: BotDeps, discordUserId: string) {
  const entries = await deps.resolver.lookup(discordUserId);
  if (entries.length === 0) throw new UserError(describeResolution({ status: 'not_linked' }));
  const active = entries.filter(isActive);
  if (active.length === 0) throw new UserError(describeResolution({ status: entries[0]!.role === 'DEACTIVATED' ? 'deactivated' : 'unapproved', companyName: entries[0]!.company_name }));
  if (active.length === 1) return { content: `You belong to one company, **${active[0]!.company_name}**: your notes go there.` };
  const chosen = await deps.resolver.getDmCompany(discordUserId);
  const current = active.find((e) => e.company_id === chosen);
  const intro = current ? `Your DM notes go to **${current.company_name}**. Pick another company to change it.` : 'Pick the company your DM notes go to.';
  return companyPicker(entries, current?.company_id ?? null, intro);
}

export const notes: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('notes')
    .setDescription('Your Valentina notes — DM me to write one')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addSubcommand((sub) => sub.setName('list').setDescription('Your notes, newest first'))
    .addSubcommand((sub) => sub.setName('view').setDescription('Show one of your notes').addStringOption(noteOption))
    .addSubcommand((sub) =>
      sub
        .setName('search')
        .setDescription('Find notes by a word in their title or content')
        .addStringOption((o) => o.setName('text').setDescription('What to look for (not case-sensitive)').setRequired(true).setMinLength(2).setMaxLength(100)),
    )
    .addSubcommand((sub) => sub.setName('edit').setDescription('Change a note in a form').addStringOption(noteOption))
    .addSubcommand((sub) => sub.setName('delete').setDescription('Delete one of your notes').addStringOption(noteOption))
    .addSubcommand((sub) => sub.setName('company').setDescription('Choose the company your DM notes go to')),
  visibility: 'ephemeral',
  howToCheck: 'Check with `/notes list` before you try again.',

  async execute(interaction, deps) {
    const sub = interaction.options.getSubcommand(true);
    if (sub === 'company') return companyMenu(deps, interaction.user.id);
    return withActor(interaction, deps, async (actor) => {
      if (sub === 'list') return listPage(deps, actor, 0, true);
      if (sub === 'search') return searchNotes(deps, actor, interaction.options.getString('text', true));
      const picked = await pickNote(deps, actor, interaction.options.getString('note', true));
      if (sub === 'view') return showNote(deps, actor, picked.id, '', true);
      if (sub === 'edit') return openEditForm(deps, actor, picked.id, 'Run `/notes edit` again.');
      return askDelete(deps, actor, picked.id);
    });
  },

  async autocomplete(interaction, deps): Promise<Choices> {
    const binding = interaction.guildId ? await deps.bindings.get(interaction.guildId) : null;
    if (interaction.guildId && !binding) return [];
    const resolution = binding ? await deps.resolver.resolveInGuild(interaction.user.id, binding) : await deps.resolver.resolveInDm(interaction.user.id);
    if (resolution.status !== 'ok') return [];
    const index = (await peekNoteIndex(deps, resolution.actor)) ?? (await noteIndex(deps, resolution.actor));
    return noteChoices(index, String(interaction.options.getFocused()));
  },

  components: [
    componentRoute(noteEditId, (interaction, { c, n }, deps) =>
      withCompanyActor(deps, interaction.user.id, c, async (actor) => {
        if (!interaction.isMessageComponent()) throw new UserError('Press **Edit** on the note to change it.');
        return openEditForm(deps, actor, n, 'Press **Edit** again.');
      }),
    ),
    componentRoute(noteSaveId, (interaction, { c, n, f }, deps) =>
      withCompanyActor(deps, interaction.user.id, c, async (actor) => {
        if (!interaction.isModalSubmit()) throw new UserError('Submit the edit form to save changes.');
        return submitEdit(interaction, deps, actor, n, f);
      }),
    ),
    componentRoute(noteDeleteId, (interaction, { c, n }, deps) =>
      withCompanyActor(deps, interaction.user.id, c, async (actor) => ({ update: await askDelete(deps, actor, n) })),
    ),
    componentRoute(noteDeleteYesId, (interaction, { c, n }, deps) =>
      withCompanyActor(deps, interaction.user.id, c, (actor) => deleteNote(deps, actor, n, (title) => `🗑️ Deleted **${title}** from Valentina.`)),
    ),
    componentRoute(noteKeepId, (interaction, { c, n }, deps) =>
      withCompanyActor(deps, interaction.user.id, c, async (actor) => ({ update: await showNote(deps, actor, n, 'Kept — nothing was deleted.') })),
    ),
    componentRoute(noteUndoId, async (interaction, { c, n, t }, deps) => {
      if (undoExpired(t)) {
        throw new UserError(`Undo expired — it works for ${UNDO_SECONDS} seconds after a note is saved. Use **Delete** to remove the note.`);
      }
      return withCompanyActor(deps, interaction.user.id, c, (actor) => deleteNote(deps, actor, n, (title) => `↩️ Undone — **${title}** was removed from Valentina.`));
    }),
    componentRoute(notePageId, (interaction, { c, p }, deps) =>
      withCompanyActor(deps, interaction.user.id, c, async (actor) => ({ update: await listPage(deps, actor, p) })),
    ),
    componentRoute(noteOpenId, (interaction, { c }, deps) =>
      withCompanyActor(deps, interaction.user.id, c, async (actor) => {
        if (!interaction.isStringSelectMenu()) throw new UserError('Pick a note from the menu.');
        const noteId = z.string().uuid().safeParse(interaction.values[0]);
        if (!noteId.success) throw new UserError('Pick a note from the menu.');
        return { reply: { ...(await showNote(deps, actor, noteId.data, '', true)), ephemeral: true } };
      }),
    ),
    componentRoute(noteCompanyId, (interaction, _payload, deps) => chooseCompany(interaction, deps)),
  ],
};
