/**
 * `/roll dice|request` — rolls as a table plays them: an ad-hoc pool of traits or dice for your
 * character (storytellers: for anyone, in secret if they like, or an NPC pool), and roll requests a
 * storyteller posts for one player to press. Results use `/quickroll`'s dice message and Willpower
 * reroll (whose buttons `/quickroll` routes) and count in `/stats`.
 */
import { ApplicationIntegrationType, InteractionContextType, SlashCommandBuilder } from 'discord.js';
import { componentRoute } from '../src/discord/components.js';
import type { CommandModule } from '../src/discord/types.js';
import { requireBinding, resolveTarget, withActor } from '../src/identity/context.js';
import { rollAutocomplete } from '../src/rolls/autocomplete.js';
import { rollDice } from '../src/rolls/dice.js';
import { createRequest, openRequest, pickAndRoll, pickId, pressId, pressRoll } from '../src/rolls/request.js';
import { saveId } from '../src/rolls/roll.js';
import { openSaveForm, saveFormId, saveFromForm } from '../src/rolls/save.js';
import { COMMENT_MAX, DESPERATION, DIFFICULTY } from '../src/rolls/settings.js';

const POOL_HELP = 'Traits or dice: Dexterity + Firearms, or 5';

export const roll: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('roll')
    .setDescription('Roll dice: a pool of traits or a number, or ask a player to roll')
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addSubcommand((sub) =>
      sub
        .setName('dice')
        .setDescription('Roll a pool of traits or a number of dice')
        .addStringOption((o) => o.setName('pool').setDescription(POOL_HELP).setRequired(true).setAutocomplete(true).setMaxLength(100))
        .addIntegerOption((o) => o.setName('difficulty').setDescription(`Target number per die (${DIFFICULTY.min}–${DIFFICULTY.max})`).setRequired(true).setMinValue(DIFFICULTY.min).setMaxValue(DIFFICULTY.max))
        .addIntegerOption((o) => o.setName('desperation').setDescription(`Desperation dice (${DESPERATION.min}–${DESPERATION.max}, default ${DESPERATION.default})`).setMinValue(DESPERATION.min).setMaxValue(DESPERATION.max))
        .addStringOption((o) => o.setName('character').setDescription('Whose traits (default: your only character; storytellers: anyone)').setAutocomplete(true).setMaxLength(100))
        .addStringOption((o) => o.setName('comment').setDescription('What the roll is for').setMaxLength(COMMENT_MAX))
        .addBooleanOption((o) => o.setName('secret').setDescription('Storytellers: show the result to you only'))
        .addBooleanOption((o) => o.setName('show_player').setDescription("Storytellers, with secret: DM the result to the character's player")),
    )
    .addSubcommand((sub) =>
      sub
        .setName('request')
        .setDescription('Storytellers: ask a player to roll, with a button only they can press')
        .addUserOption((o) => o.setName('player').setDescription('Who rolls').setRequired(true))
        .addStringOption((o) => o.setName('pool').setDescription(POOL_HELP).setRequired(true).setAutocomplete(true).setMaxLength(100))
        .addIntegerOption((o) => o.setName('difficulty').setDescription(`Target number per die (${DIFFICULTY.min}–${DIFFICULTY.max})`).setRequired(true).setMinValue(DIFFICULTY.min).setMaxValue(DIFFICULTY.max))
        .addIntegerOption((o) => o.setName('desperation').setDescription(`Desperation dice (${DESPERATION.min}–${DESPERATION.max}, default ${DESPERATION.default})`).setMinValue(DESPERATION.min).setMaxValue(DESPERATION.max))
        .addStringOption((o) => o.setName('character').setDescription('Which of their characters (default: they pick)').setAutocomplete(true).setMaxLength(100))
        .addStringOption((o) => o.setName('comment').setDescription('What the roll is for').setMaxLength(COMMENT_MAX))
        .addBooleanOption((o) => o.setName('secret').setDescription('Send the result to you only')),
    ),
  visibility: 'ephemeral',
  audience: 'Everyone for `dice`; storytellers and admins for `request`, secret rolls and rolls for other players',
  howToCheck: 'Check with `/stats me` before you roll again; the roll may already be recorded in Valentina.',

  async execute(interaction, deps) {
    const binding = await requireBinding(interaction, deps);
    const options = interaction.options;
    const settings = {
      pool: options.getString('pool', true),
      difficulty: options.getInteger('difficulty', true),
      desperation: options.getInteger('desperation') ?? DESPERATION.default,
      comment: options.getString('comment'),
      character: options.getString('character'),
      secret: options.getBoolean('secret') ?? false,
    };
    if (options.getSubcommand(true) === 'request') {
      const target = options.getUser('player', true);
      return withActor(interaction, deps, async (actor) => {
        const player = await resolveTarget(target, binding, deps);
        const origin = { interactionId: interaction.id, channelId: interaction.channelId, requesterId: interaction.user.id };
        return createRequest(deps, actor, { ...settings, player }, origin);
      });
    }
    const request = { ...settings, showPlayer: options.getBoolean('show_player') ?? false };
    return withActor(interaction, deps, (actor) => rollDice(deps, actor, binding, request, interaction.id, interaction.user.id));
  },

  autocomplete: rollAutocomplete,

  components: [
    componentRoute(saveId, (interaction, { r }, deps) => openSaveForm(deps, r, interaction.user.id)),
    componentRoute(saveFormId, (interaction, { r }, deps) => withActor(interaction, deps, async (actor) => ({ reply: await saveFromForm(deps, actor, interaction, r) }))),
    componentRoute(pressId, async (interaction, { q }, deps) => {
      // Only the player may press: anyone else is told so before anything else is looked up.
      await openRequest(deps, q, interaction.user.id);
      return withActor(interaction, deps, async (actor) => ({ reply: await pressRoll(deps, actor, q) }));
    }),
    componentRoute(pickId, (interaction, { q }, deps) =>
      withActor(interaction, deps, async (actor) => ({ reply: await pickAndRoll(deps, actor, q, interaction.isStringSelectMenu() ? interaction.values[0] : undefined) })),
    ),
  ],
};
