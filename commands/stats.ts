/**
 * `/stats me|user|company` — roll statistics as a table would enjoy them: the headline figures in an
 * embed and a chart (outcomes and most-rolled traits) rendered in the chart worker and attached as
 * PNG. The figures come from a one-minute cache (src/stats/figures.ts). When the renderer is busy the
 * figures are shown to the asker alone with when to try again; this module never loads the canvas
 * library (only the worker does).
 */
import {
  ApplicationIntegrationType,
  AttachmentBuilder,
  EmbedBuilder,
  InteractionContextType,
  SlashCommandBuilder,
  type ChatInputCommandInteraction,
  type SlashCommandSubcommandBuilder,
} from 'discord.js';
import type { BotDeps, CommandModule, ReplyMessage } from '../src/discord/types.js';
import { requireBinding, resolveTarget, withActor } from '../src/identity/context.js';
import { statisticsOf, type StatsSubject } from '../src/stats/figures.js';
import { OUTCOME_COLOURS } from '../src/stats/model.js';
import { hasRolls } from '../src/stats/schema.js';
import { ChartRendererBusyError, ChartRenderTimeoutError } from '../src/stats/worker-pool.js';
import type { RollStatistics } from '../src/valentina/index.js';

const DEFAULT_TOP = 5;
const CHART_NAME = 'stats.png';

const withCommonOptions = (sub: SlashCommandSubcommandBuilder) =>
  sub
    .addIntegerOption((o) => o.setName('top').setDescription('How many most-rolled traits to show (1–25, default 5)').setMinValue(1).setMaxValue(25))
    .addBooleanOption((o) => o.setName('private').setDescription('Show the answer only to you'));

/** The embed's and chart's title: whose rolls, and how many ("1 roll", "5 rolls"). */
export const statsTitle = (whose: string, total: number) => `${whose} — ${total} ${total === 1 ? 'roll' : 'rolls'}`;

const percent = (part: number, total: number) => (total > 0 ? `${Math.round((part / total) * 100)}%` : '—');

/** The embed's headline figures; pure, so it is unit-tested. */
export function statsEmbed(title: string, subtitle: string, stats: RollStatistics): EmbedBuilder {
  const total = stats.total_rolls;
  const embed = new EmbedBuilder()
    .setTitle(title.slice(0, 256))
    .setDescription(subtitle.slice(0, 4096))
    .setColor(OUTCOME_COLOURS.success);
  if (!hasRolls(stats)) {
    return embed
      .setColor(OUTCOME_COLOURS.other)
      .setDescription(`${subtitle}\n\nNo rolls yet — nothing to chart. Roll something with \`/quickroll run\` and come back!`.slice(0, 4096));
  }
  embed.addFields(
    { name: 'Rolls', value: String(total), inline: true },
    { name: 'Success', value: `${percent(stats.successes, total)} (${stats.successes})`, inline: true },
    { name: 'Critical', value: `${percent(stats.criticals, total)} (${stats.criticals})`, inline: true },
    { name: 'Failure', value: `${percent(stats.failures, total)} (${stats.failures})`, inline: true },
    { name: 'Botch', value: `${percent(stats.botches, total)} (${stats.botches})`, inline: true },
    {
      name: 'Averages',
      value: [
        stats.average_pool === null ? null : `pool ${stats.average_pool.toFixed(1)}`,
        stats.average_difficulty === null ? null : `difficulty ${stats.average_difficulty.toFixed(1)}`,
      ].filter(Boolean).join(' · ') || '—',
      inline: true,
    },
  );
  const top = stats.top_traits.map((t) => `${t.name} (${t.usage_count})`).join(', ');
  if (top) embed.addFields({ name: 'Most rolled', value: top.slice(0, 1024) });
  return embed.setImage(`attachment://${CHART_NAME}`);
}

/** What the asker sees when the chart could not be drawn in time: the figures, and when to try again. */
export const busyMessage = (retryAfterMs: number) => {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return `The chart renderer is busy, try again in ${seconds} s. Here are the figures meanwhile.`;
};

async function answer(title: string, subtitle: string, stats: RollStatistics, isPrivate: boolean, deps: BotDeps): Promise<ReplyMessage> {
  const embed = statsEmbed(title, subtitle, stats);
  if (!hasRolls(stats)) return { embeds: [embed], ephemeral: isPrivate };
  try {
    const png = await deps.charts.render({ ...stats, title, subtitle });
    return { embeds: [embed], files: [new AttachmentBuilder(png, { name: CHART_NAME, description: `Roll statistics for ${title}` })], ephemeral: isPrivate };
  } catch (error) {
    if (!(error instanceof ChartRendererBusyError || error instanceof ChartRenderTimeoutError)) throw error;
    // Without its chart the embed must not point at an attachment that is not there.
    return { content: busyMessage(error.retryAfterMs), embeds: [embed.setImage(null)], ephemeral: true };
  }
}

async function run(interaction: ChatInputCommandInteraction, deps: BotDeps): Promise<ReplyMessage> {
  const sub = interaction.options.getSubcommand(true);
  const top = interaction.options.getInteger('top') ?? DEFAULT_TOP;
  const isPrivate = interaction.options.getBoolean('private') ?? false;
  return withActor(interaction, deps, async (actor) => {
    const source = { redis: deps.redis, keys: deps.keys.stats, valentina: deps.valentina, cache: deps.statsCache };
    const figures = (subject: StatsSubject) => statisticsOf(source, subject, top, actor.userId);
    if (sub === 'company') {
      const stats = await figures({ kind: 'company', companyId: actor.companyId });
      return answer(statsTitle(actor.companyName, stats.total_rolls), 'Every roll of the company', stats, isPrivate, deps);
    }
    if (sub === 'user') {
      const member = interaction.options.getUser('user', true);
      const binding = await requireBinding(interaction, deps);
      const target = await resolveTarget(member, binding, deps);
      const stats = await figures({ kind: 'user', companyId: actor.companyId, userId: target.userId });
      return answer(statsTitle(member.displayName, stats.total_rolls), actor.companyName, stats, isPrivate, deps);
    }
    const stats = await figures({ kind: 'user', companyId: actor.companyId, userId: actor.userId });
    return answer(statsTitle(interaction.user.displayName, stats.total_rolls), actor.companyName, stats, isPrivate, deps);
  });
}

export const stats: CommandModule = {
  data: new SlashCommandBuilder()
    .setName('stats')
    .setDescription('Roll statistics with a chart')
    .setContexts(InteractionContextType.Guild, InteractionContextType.BotDM)
    .setIntegrationTypes(ApplicationIntegrationType.GuildInstall)
    .addSubcommand((sub) => withCommonOptions(sub.setName('me').setDescription('Your own rolls')))
    .addSubcommand((sub) =>
      withCommonOptions(
        sub
          .setName('user')
          .setDescription("Another player's rolls")
          .addUserOption((o) => o.setName('user').setDescription('The player').setRequired(true)),
      ),
    )
    .addSubcommand((sub) => withCommonOptions(sub.setName('company').setDescription('Every roll in the company'))),
  visibility: 'public',
  execute: run,
};
