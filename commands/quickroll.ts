/**
 * `/quickroll run|board|list|create|edit|delete` — saved dice pools: roll one for your character in
 * two keystrokes (or one press on a board), with a public dice embed and its reroll, and manage them
 * without the web app. Traits are typed as one comma-separated option whose autocomplete completes
 * the last item.
 */
import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder, type APIActionRowComponent, type APIComponentInMessageActionRow } from 'discord.js';
import { componentRoute } from '../src/discord/components.js';
import { parseCustomIdHeader } from '../src/discord/custom-id.js';
import { UserError } from '../src/discord/errors.js';
import type { BotDeps, CommandModule, ComponentInteraction, ComponentReply } from '../src/discord/types.js';
import { requireBinding, withActor } from '../src/identity/context.js';
import { quickrollAutocomplete } from '../src/quickrolls/autocomplete.js';
import { boardPickId, boardRollId, postBoard, pressBoard } from '../src/quickrolls/board.js';
import {
  confirmDelete,
  createQuickroll,
  deleteId,
  deleteQuickroll,
  DESCRIPTION_LENGTH,
  editQuickroll,
  keepId,
  listPage,
  NAME_LENGTH,
  pageId,
} from '../src/quickrolls/manage.js';
import { applyReroll, checkReroll, rerollId, rerollPickId } from '../src/quickrolls/reroll.js';
import { DESPERATION, DIFFICULTY, rollQuickroll } from '../src/quickrolls/run.js';

const TRAITS_HELP = 'Traits, comma separated: Dexterity, Firearms';

export const quickroll: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('quickroll')
    .setDescription('Saved dice pools: roll and manage them')
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addSubcommand((sub) =>
      sub
        .setName('run')
        .setDescription('Roll one of your quickrolls for your character')
        .addStringOption((o) => o.setName('quickroll').setDescription('Which quickroll').setRequired(true).setAutocomplete(true).setMaxLength(100))
        .addStringOption((o) => o.setName('character').setDescription('Which character (leave out if you play only one)').setAutocomplete(true).setMaxLength(100))
        .addIntegerOption((o) => o.setName('difficulty').setDescription(`Target number per die (${DIFFICULTY.min}–${DIFFICULTY.max}, default ${DIFFICULTY.default})`).setMinValue(DIFFICULTY.min).setMaxValue(DIFFICULTY.max))
        .addIntegerOption((o) => o.setName('desperation').setDescription(`Desperation dice (${DESPERATION.min}–${DESPERATION.max}, default ${DESPERATION.default})`).setMinValue(DESPERATION.min).setMaxValue(DESPERATION.max))
        .addStringOption((o) => o.setName('comment').setDescription('What the roll is for').setMaxLength(200)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('board')
        .setDescription('Post a board here: your character’s quickrolls (storytellers: the table’s characters)')
        .addStringOption((o) => o.setName('character').setDescription('Which character (leave out if you play only one; storytellers: anyone)').setAutocomplete(true).setMaxLength(100)),
    )
    .addSubcommand((sub) => sub.setName('list').setDescription('Your quickrolls'))
    .addSubcommand((sub) =>
      sub
        .setName('create')
        .setDescription('Save a new quickroll')
        .addStringOption((o) => o.setName('name').setDescription(`${NAME_LENGTH.min}–${NAME_LENGTH.max} characters`).setRequired(true).setMinLength(NAME_LENGTH.min).setMaxLength(NAME_LENGTH.max))
        .addStringOption((o) => o.setName('traits').setDescription(TRAITS_HELP).setRequired(true).setAutocomplete(true).setMaxLength(100))
        .addStringOption((o) => o.setName('description').setDescription('Optional note').setMinLength(DESCRIPTION_LENGTH.min).setMaxLength(DESCRIPTION_LENGTH.max)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('edit')
        .setDescription('Rename a quickroll, or change its description or traits')
        .addStringOption((o) => o.setName('quickroll').setDescription('Which quickroll').setRequired(true).setAutocomplete(true).setMaxLength(100))
        .addStringOption((o) => o.setName('name').setDescription(`New name (${NAME_LENGTH.min}–${NAME_LENGTH.max} characters)`).setMinLength(NAME_LENGTH.min).setMaxLength(NAME_LENGTH.max))
        .addStringOption((o) => o.setName('description').setDescription('New description ("-" removes it)').setMaxLength(DESCRIPTION_LENGTH.max))
        .addStringOption((o) => o.setName('traits').setDescription(`New traits, replacing the old: ${TRAITS_HELP}`).setAutocomplete(true).setMaxLength(100)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('delete')
        .setDescription('Delete one of your quickrolls')
        .addStringOption((o) => o.setName('quickroll').setDescription('Which quickroll').setRequired(true).setAutocomplete(true).setMaxLength(100)),
    ),
  visibility: 'ephemeral',
  howToCheck: 'Check with `/quickroll list` before you try again; a roll may already be recorded in Valentina.',

  async execute(interaction, deps) {
    await requireBinding(interaction, deps);
    const options = interaction.options;
    const sub = options.getSubcommand(true);
    return withActor(interaction, deps, async (actor, binding) => {
      switch (sub) {
        case 'list':
          return listPage(deps, actor, 0, true);
        case 'board':
          if (!interaction.guildId) throw new UserError('Post a board in a server channel.');
          return postBoard(deps, actor, {
            character: options.getString('character'),
            channelId: interaction.channelId,
            guildId: interaction.guildId,
            campaign: binding?.defaultCampaignId ? { id: binding.defaultCampaignId, name: binding.defaultCampaignName ?? 'the default campaign' } : null,
          });
        case 'create':
          return createQuickroll(deps, actor, { name: options.getString('name', true), traits: options.getString('traits', true), description: options.getString('description') }, `${interaction.id}:quickroll-create`);
        case 'edit':
          return editQuickroll(
            deps,
            actor,
            { quickroll: options.getString('quickroll', true), name: options.getString('name'), description: options.getString('description'), traits: options.getString('traits') },
            `${interaction.id}:quickroll-edit`,
          );
        case 'delete':
          return confirmDelete(deps, actor, options.getString('quickroll', true));
        default: {
          const request = {
            quickroll: options.getString('quickroll', true),
            character: options.getString('character'),
            difficulty: options.getInteger('difficulty') ?? DIFFICULTY.default,
            desperation: options.getInteger('desperation') ?? DESPERATION.default,
            comment: options.getString('comment'),
          };
          return rollQuickroll(deps, actor, request, `${interaction.id}:quickroll-roll`, interaction.user.id);
        }
      }
    });
  },

  autocomplete: quickrollAutocomplete,

  components: [
    componentRoute(pageId, (interaction, { p }, deps) => withActor(interaction, deps, async (actor) => ({ update: await listPage(deps, actor, p) }))),
    componentRoute(deleteId, (interaction, { q }, deps) => withActor(interaction, deps, async (actor) => ({ update: await deleteQuickroll(deps, actor, q) }))),
    componentRoute(keepId, async () => ({ update: { content: 'Kept — nothing was deleted.', components: [] } })),
    componentRoute(rerollId, (interaction, { r }, deps) => reroll(interaction, deps, r, null)),
    componentRoute(rerollPickId, (interaction, { r }, deps) => reroll(interaction, deps, r, interaction.isStringSelectMenu() ? interaction.values : [])),
    componentRoute(boardRollId, (interaction, { q, c }, deps) => board(interaction, deps, q, c, false)),
    componentRoute(boardPickId, (interaction, { c }, deps) => board(interaction, deps, interaction.isStringSelectMenu() ? (interaction.values[0] ?? '') : '', c, true)),
  ],
};

type MessageRow = APIActionRowComponent<APIComponentInMessageActionRow>;
const REROLL_ROUTES = new Set([rerollId.name, rerollPickId.name]);

/** The rows of a roll's message that are not its reroll's (a `/roll` result's "Save as quickroll"), as they are now. */
function otherRows(message: NonNullable<ComponentInteraction['message']>): MessageRow[] {
  return message.components
    .map((row) => row.toJSON() as MessageRow)
    .filter((row) => !row.components.some((c) => 'custom_id' in c && REROLL_ROUTES.has(parseCustomIdHeader(c.custom_id)?.name ?? '')));
}

/** A reroll press: checked (roller, once, in time) before the member is resolved, then rolled in place. */
async function reroll(interaction: ComponentInteraction, deps: BotDeps, rollId: string, picked: string[] | null): Promise<ComponentReply> {
  const message = interaction.message;
  const kept = message ? otherRows(message) : [];
  const where = message ? { channelId: message.channelId, messageId: message.id, otherRows: kept } : null;
  const state = await checkReroll(deps, rollId, interaction.user.id, where);
  return withActor(interaction, deps, async (actor) => {
    const update = await applyReroll(deps, actor, state, picked, `${interaction.id}:quickroll-reroll`);
    return { update: { ...update, components: [...(update.components ?? []), ...kept] } };
  });
}

/** A press on a board: the roll is a new public message; the board itself is redrawn when stale. */
async function board(interaction: ComponentInteraction, deps: BotDeps, quickrollId: string, characterId: string, redraw: boolean): Promise<ComponentReply> {
  if (!interaction.message) throw new UserError('This board can no longer be read. Post a new one with `/quickroll board`.');
  const messageId = interaction.message.id;
  return withActor(interaction, deps, async (actor) => ({
    reply: await pressBoard(deps, actor, { messageId, quickrollId, characterId, interactionId: interaction.id, redraw }),
  }));
}
