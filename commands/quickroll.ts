/**
 * `/quickroll run|list|create|delete` — saved dice pools: roll one with your character in two
 * keystrokes, and manage them without the web app.
 */
import {
  ActionRowBuilder,
  ApplicationIntegrationType,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  InteractionContextType,
  SlashCommandBuilder,
} from 'discord.js';
import { z } from 'zod';
import { matchChoices } from '../src/cache/cached-json.js';
import { componentRoute } from '../src/discord/components.js';
import { defineCustomId } from '../src/discord/custom-id.js';
import { UserError } from '../src/discord/errors.js';
import type { BotDeps, Choices, CommandModule, ReplyMessage } from '../src/discord/types.js';
import { requireBinding, withActor } from '../src/identity/context.js';
import type { Actor } from '../src/identity/resolver.js';
import { charactersOf, forgetQuickrolls, quickrollsOf, traitCatalogue } from '../src/quickrolls/catalogue.js';
import { loadRollParams, pickQuickroll, rerollId, rollQuickroll } from '../src/quickrolls/run.js';
import { ValentinaNotFoundError, ValentinaValidationError } from '../src/valentina/index.js';

const PAGE_SIZE = 10;
const pageId = defineCustomId('qr.page', z.object({ p: z.number().int().min(0).max(999) }));
const deleteId = defineCustomId('qr.del', z.object({ q: z.string().uuid() }));

async function listPage(deps: BotDeps, actor: Actor, page: number): Promise<ReplyMessage> {
  const [mine, catalogue] = await Promise.all([quickrollsOf(deps, actor.companyId, actor.userId), traitCatalogue(deps, actor.companyId)]);
  const names = new Map(catalogue.map((t) => [t.id, t.name]));
  const pages = Math.max(1, Math.ceil(mine.length / PAGE_SIZE));
  const current = Math.min(Math.max(page, 0), pages - 1);
  const shown = mine.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  const embed = new EmbedBuilder()
    .setColor(0x7a1f2b)
    .setTitle('Your quickrolls')
    .setDescription(shown.map((q) => `**${q.name}** — ${q.traitIds.map((id) => names.get(id) ?? '?').join(' + ')}`).join('\n') || 'You have no quickrolls yet. Create one with `/quickroll create`.')
    .setFooter({ text: `Page ${current + 1} of ${pages}` });
  if (pages === 1) return { embeds: [embed], components: [] };
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(pageId.encode({ p: Math.max(current - 1, 0) })).setLabel('Previous').setStyle(ButtonStyle.Secondary).setDisabled(current === 0),
    new ButtonBuilder().setCustomId(pageId.encode({ p: Math.min(current + 1, pages - 1) })).setLabel('Next').setStyle(ButtonStyle.Secondary).setDisabled(current === pages - 1),
  );
  return { embeds: [embed], components: [row] };
}

/** Trait names typed as a comma-separated list, resolved against the company's catalogue. */
async function resolveTraits(deps: BotDeps, companyId: string, text: string): Promise<string[]> {
  const catalogue = await traitCatalogue(deps, companyId);
  const wanted = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (wanted.length === 0) throw new UserError('A quickroll needs at least one trait, e.g. `traits:Dexterity, Firearms`.');
  return wanted.map((name) => {
    const trait = catalogue.find((t) => t.name.toLowerCase() === name.toLowerCase());
    if (!trait) throw new UserError(`There is no rollable trait called "${name.slice(0, 50)}". Pick traits from the list that appears as you type.`);
    return trait.id;
  });
}

async function create(deps: BotDeps, actor: Actor, name: string, traitsText: string, description: string | null, key: string): Promise<ReplyMessage> {
  const trimmed = name.trim();
  if (trimmed.length < 3 || trimmed.length > 50) throw new UserError(`A quickroll name must be 3 to 50 characters long (yours has ${trimmed.length}).`);
  const mine = await quickrollsOf(deps, actor.companyId, actor.userId);
  if (mine.some((q) => q.name.toLowerCase() === trimmed.toLowerCase())) throw new UserError(`You already have a quickroll called **${trimmed}**. Pick another name.`);
  const traitIds = await resolveTraits(deps, actor.companyId, traitsText);
  try {
    const created = await deps.valentina.quickrolls.create(actor.companyId, actor.userId, { name: trimmed, description: description ?? '', trait_ids: traitIds }, { onBehalfOf: actor.userId, idempotencyKey: key });
    await forgetQuickrolls(deps, actor.companyId, actor.userId);
    return { content: `Quickroll **${created.name}** saved. Roll it with \`/quickroll run quickroll:${created.name}\`.` };
  } catch (error) {
    if (error instanceof ValentinaValidationError) {
      const field = error.invalidParameters[0];
      throw new UserError(`Valentina refused the quickroll: ${field && field.field !== 'body' ? `${field.field}: ${field.message}` : error.detail}`);
    }
    throw error;
  }
}

export const quickroll: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('quickroll')
    .setDescription('Saved dice pools: roll and manage them')
    .setContexts(InteractionContextType.Guild)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addSubcommand((sub) =>
      sub
        .setName('run')
        .setDescription('Roll one of your quickrolls with your character')
        .addStringOption((o) => o.setName('quickroll').setDescription('Which quickroll').setRequired(true).setAutocomplete(true).setMaxLength(100))
        .addStringOption((o) => o.setName('character').setDescription('Which character (may be left out if you play one)').setAutocomplete(true).setMaxLength(100))
        .addIntegerOption((o) => o.setName('difficulty').setDescription('Target number per die (1–10, default 6)').setMinValue(1).setMaxValue(10))
        .addIntegerOption((o) => o.setName('desperation').setDescription('Desperation dice (0–5, default 0)').setMinValue(0).setMaxValue(5))
        .addStringOption((o) => o.setName('comment').setDescription('What is this roll for').setMaxLength(200)),
    )
    .addSubcommand((sub) => sub.setName('list').setDescription('Your quickrolls'))
    .addSubcommand((sub) =>
      sub
        .setName('create')
        .setDescription('Save a new quickroll')
        .addStringOption((o) => o.setName('name').setDescription('3–50 characters').setRequired(true).setMinLength(3).setMaxLength(50))
        .addStringOption((o) => o.setName('traits').setDescription('Traits, comma separated: Dexterity, Firearms').setRequired(true).setAutocomplete(true).setMaxLength(100))
        .addStringOption((o) => o.setName('description').setDescription('Optional note').setMaxLength(200)),
    )
    .addSubcommand((sub) =>
      sub
        .setName('delete')
        .setDescription('Delete one of your quickrolls')
        .addStringOption((o) => o.setName('quickroll').setDescription('Which quickroll').setRequired(true).setAutocomplete(true).setMaxLength(100)),
    ),
  visibility: 'ephemeral',

  async execute(interaction, deps) {
    await requireBinding(interaction, deps);
    const sub = interaction.options.getSubcommand(true);
    return withActor(interaction, deps, async (actor) => {
      if (sub === 'list') return listPage(deps, actor, 0);
      if (sub === 'create') {
        return create(deps, actor, interaction.options.getString('name', true), interaction.options.getString('traits', true), interaction.options.getString('description'), `${interaction.id}:qr-create`);
      }
      if (sub === 'delete') {
        const target = await pickQuickroll(deps, actor, interaction.options.getString('quickroll', true));
        const confirm = new ButtonBuilder().setCustomId(deleteId.encode({ q: target.id })).setLabel(`Delete ${target.name}`.slice(0, 80)).setStyle(ButtonStyle.Danger);
        return { content: `Delete the quickroll **${target.name}**? This can't be undone.`, components: [new ActionRowBuilder<ButtonBuilder>().addComponents(confirm)] };
      }
      return rollQuickroll(
        deps,
        actor,
        {
          quickroll: interaction.options.getString('quickroll', true),
          character: interaction.options.getString('character'),
          companyId: actor.companyId,
          difficulty: interaction.options.getInteger('difficulty') ?? 6,
          desperation: interaction.options.getInteger('desperation') ?? 0,
          comment: interaction.options.getString('comment'),
        },
        `${interaction.id}:roll`,
        interaction.user.id,
      );
    });
  },

  async autocomplete(interaction, deps): Promise<Choices> {
    if (!interaction.guildId) return [];
    const binding = await deps.bindings.get(interaction.guildId);
    if (!binding) return [];
    const resolution = await deps.resolver.resolveInGuild(interaction.user.id, binding);
    if (resolution.status !== 'ok') return [];
    const { actor } = resolution;
    const focused = interaction.options.getFocused(true);
    if (focused.name === 'quickroll') {
      return matchChoices(await quickrollsOf(deps, actor.companyId, actor.userId), focused.value).map((q) => ({ name: q.name, value: q.id }));
    }
    if (focused.name === 'character') {
      return matchChoices(await charactersOf(deps, actor.companyId, actor.userId), focused.value).map((c) => ({ name: c.name.slice(0, 100), value: c.id }));
    }
    // traits: complete the last item of a comma-separated list.
    const parts = focused.value.split(',');
    const last = parts.pop()!.trim();
    const done = parts.map((p) => p.trim()).filter(Boolean);
    const head = done.length > 0 ? `${done.join(', ')}, ` : '';
    return matchChoices(await traitCatalogue(deps, actor.companyId), last)
      .filter((t) => !done.includes(t.name))
      .map((t) => `${head}${t.name}`)
      .filter((value) => value.length <= 100)
      .map((value) => ({ name: value, value }));
  },

  components: [
    componentRoute(pageId, async (interaction, { p }, deps) => withActor(interaction, deps, async (actor) => ({ update: await listPage(deps, actor, p) }))),
    componentRoute(deleteId, async (interaction, { q }, deps) =>
      withActor(interaction, deps, async (actor) => {
        try {
          await deps.valentina.quickrolls.delete(actor.companyId, actor.userId, q, { onBehalfOf: actor.userId });
        } catch (error) {
          if (!(error instanceof ValentinaNotFoundError)) throw error;
        }
        await forgetQuickrolls(deps, actor.companyId, actor.userId);
        return { update: { content: 'Quickroll deleted.', components: [] } };
      }),
    ),
    componentRoute(rerollId, async (interaction, { r, o }, deps) => {
      if (interaction.user.id !== o) throw new UserError(`Only <@${o}> can reroll this — run \`/quickroll run\` for your own roll.`);
      const params = await loadRollParams(deps, r);
      if (!params) throw new UserError('This roll is too old to reroll. Run `/quickroll run` again.');
      return withActor(interaction, deps, async (actor) => ({
        reply: await rollQuickroll(deps, actor, { ...params, quickroll: params.quickrollId, character: params.characterId }, `${interaction.id}:reroll`, interaction.user.id),
      }));
    }),
  ],
};
