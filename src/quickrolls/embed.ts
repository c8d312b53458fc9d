/** The dice embed a table enjoys: every die, the pool, the outcome in its colour, and the comment. */
import { EmbedBuilder } from 'discord.js';
import { OUTCOME_COLOURS } from '../stats/index.js';
import type { DiceRoll } from '../valentina/index.js';

const OUTCOME_TEXT = {
  CRITICAL: '💥 Critical success',
  SUCCESS: '✅ Success',
  FAILURE: '❌ Failure',
  BOTCH: '☠️ Botch',
  OTHER: 'Rolled',
} as const;

const COLOURS = {
  CRITICAL: OUTCOME_COLOURS.critical,
  SUCCESS: OUTCOME_COLOURS.success,
  FAILURE: OUTCOME_COLOURS.failure,
  BOTCH: OUTCOME_COLOURS.botch,
  OTHER: OUTCOME_COLOURS.other,
} as const;

export interface RollView {
  characterName: string;
  quickrollName: string;
  /** Traits of the quickroll the character has, with their dots. */
  pool: Array<{ name: string; value: number }>;
  /** Traits of the quickroll the character lacks (skipped by Valentina). */
  missing: string[];
  roll: DiceRoll;
  rollerId: string;
}

export function rollEmbed(view: RollView): EmbedBuilder {
  const { roll } = view;
  const result = roll.result;
  const type = result?.total_result_type ?? 'OTHER';
  const poolText = view.pool.map((t) => `${t.name} ${t.value}`).join(' + ') || 'no dice';
  const lines = [`**${view.quickrollName}**: ${poolText} = **${roll.num_dice}** dice at difficulty ${roll.difficulty ?? '—'}`];
  if (view.missing.length > 0) lines.push(`*${view.characterName} lacks ${view.missing.join(', ')}: not in the pool.*`);
  const embed = new EmbedBuilder()
    .setColor(COLOURS[type])
    .setTitle(`${view.characterName} rolls ${view.quickrollName}`.slice(0, 256))
    .setDescription(lines.join('\n').slice(0, 4096))
    .addFields({ name: 'Dice', value: result?.player_roll_emoji || '—', inline: false });
  if (roll.num_desperation_dice > 0) embed.addFields({ name: 'Desperation dice', value: result?.desperation_roll_emoji || '—', inline: false });
  embed.addFields({ name: OUTCOME_TEXT[type], value: result?.total_result_humanized || String(result?.total_result ?? '—'), inline: true });
  if (roll.comment) embed.setFooter({ text: roll.comment.slice(0, 2048) });
  return embed;
}
