/**
 * The dice embed a table enjoys: who rolled what, the pool trait by trait, every die as Valentina
 * renders it, the successes and the outcome in the colour the `/stats` charts use for it.
 */
import { EmbedBuilder } from 'discord.js';
import { OUTCOME_COLOURS } from '../stats/model.js';
import type { DiceRoll, DiceRollResult } from '../valentina/index.js';

type Outcome = DiceRollResult['total_result_type'];

const OUTCOME_TITLES: Record<Outcome, string> = {
  CRITICAL: '💥 Critical success',
  SUCCESS: '✅ Success',
  FAILURE: '❌ Failure',
  BOTCH: '☠️ Botch',
  OTHER: '🎲 Rolled',
};

export const OUTCOME_EMBED_COLOURS: Record<Outcome, number> = {
  CRITICAL: OUTCOME_COLOURS.critical,
  SUCCESS: OUTCOME_COLOURS.success,
  FAILURE: OUTCOME_COLOURS.failure,
  BOTCH: OUTCOME_COLOURS.botch,
  OTHER: OUTCOME_COLOURS.other,
};

export interface RollView {
  characterName: string;
  quickrollName: string;
  /** The quickroll's traits the character has, with their dots, in the quickroll's order. */
  pool: ReadonlyArray<{ name: string; value: number }>;
  /** The quickroll's traits the character lacks (Valentina leaves them out of the pool). */
  missing: readonly string[];
  roll: DiceRoll;
  /** Discord id of the member who rolled. */
  rollerId: string;
}

/** Valentina stores this comment when none was given; it says nothing the title doesn't. */
const defaultComment = (quickrollName: string) => `Quick roll: ${quickrollName}`;

const plural = (n: number, one: string, many: string) => `${n} ${Math.abs(n) === 1 ? one : many}`;

function tally(result: DiceRollResult | null): string {
  const total = result?.total_result;
  if (total === null || total === undefined) return 'No tally';
  if (total < 0) return `**${total}** — more ones than successes`;
  return `**${total}** ${total === 1 ? 'success' : 'successes'}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export function rollEmbed(view: RollView): EmbedBuilder {
  const { roll } = view;
  const result = roll.result;
  const outcome: Outcome = result?.total_result_type ?? 'OTHER';
  const lines: string[] = [];
  if (roll.comment && roll.comment !== defaultComment(view.quickrollName)) lines.push(`> ${clip(roll.comment.replace(/\s+/g, ' '), 1000)}`);
  const pool = view.pool.map((t) => `${t.name} ${t.value}`).join(' + ') || 'no traits';
  const desperation = roll.num_desperation_dice > 0 ? ` + ${plural(roll.num_desperation_dice, 'desperation die', 'desperation dice')}` : '';
  lines.push(`${pool} = **${plural(roll.num_dice, 'die', 'dice')}**${desperation} at difficulty **${roll.difficulty ?? '—'}**`);
  if (view.missing.length > 0) lines.push(`⚠️ ${view.characterName} lacks ${view.missing.map((m) => `**${m}**`).join(', ')}: left out of the pool.`);
  lines.push(`Rolled by <@${view.rollerId}>`);

  const embed = new EmbedBuilder()
    .setColor(OUTCOME_EMBED_COLOURS[outcome])
    .setTitle(clip(`🎲 ${view.characterName} — ${view.quickrollName}`, 256))
    .setDescription(clip(lines.join('\n'), 4096))
    .addFields({ name: 'Dice', value: clip(result?.player_roll_emoji || 'no dice', 1024) });
  if (roll.num_desperation_dice > 0) embed.addFields({ name: 'Desperation dice', value: clip(result?.desperation_roll_emoji || 'no dice', 1024) });
  embed
    .addFields({ name: OUTCOME_TITLES[outcome], value: tally(result) })
    .setFooter({ text: `Roll ${roll.id}` })
    .setTimestamp(new Date(roll.date_created));
  return embed;
}
