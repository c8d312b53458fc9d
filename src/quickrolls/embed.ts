/**
 * The dice embed a table enjoys: who rolled what, the pool trait by trait, and how Valentina counted
 * it — each die as a success, a critical, a failure, or a one cancelling a ten or a success — with the
 * desperation dice apart (Despair, Overreach), a reroll's new dice marked "R:" next to the first
 * outcome, and the result in the colour the `/stats` charts use for it. A short roll reference stays
 * in the description (the first characters of Valentina's roll id).
 */
import { EmbedBuilder } from 'discord.js';
import { OUTCOME_COLOURS } from '../stats/model.js';
import type { DiceRoll, DiceRollResult } from '../valentina/index.js';
import { afterReroll, countable, countDice, countRoll, type Count, type CountedDie, type Outcome as CountedOutcome } from './count.js';

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

/** A reroll of some of the roll's player dice: which ones, and Valentina's roll of the new dice (R2). */
export interface RerollView {
  /** Indices into the first roll's `player_roll` that were rerolled, in the order the new faces replace them. */
  indices: number[];
  roll: DiceRoll;
}

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
  /** Set once the roll was rerolled. */
  reroll?: RerollView | null;
}

/** Valentina stores this comment when none was given; it says nothing the title doesn't. */
const defaultComment = (quickrollName: string) => `Quick roll: ${quickrollName}`;

const plural = (n: number, one: string, many: string) => `${n} ${Math.abs(n) === 1 ? one : many}`;

/** A roll's short reference: enough to find it in Valentina, short enough to read aloud. */
export const shortRef = (rollId: string) => rollId.slice(0, 8);

const KEYCAPS = ['0️⃣', '1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '6️⃣', '7️⃣', '8️⃣', '9️⃣', '🔟'];
/** A face as Valentina renders it (keycap emoji up to 10). */
export const faceEmoji = (face: number) => KEYCAPS[face] ?? String(face);
const dieText = (die: CountedDie) => (die.rerolledFrom === undefined ? faceEmoji(die.face) : `R:${faceEmoji(die.face)}`);
const faces = (dice: readonly CountedDie[]) => dice.map(dieText).join(' ');

function tally(total: number | null | undefined): string {
  if (total === null || total === undefined) return 'No tally';
  if (total < 0) return `**${total}** — more ones than successes`;
  return `**${total}** ${total === 1 ? 'success' : 'successes'}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One line per kind of die, in the order they weigh on the total. */
function countingLines(dice: readonly CountedDie[], difficulty: number): string[] {
  const of = (mark: CountedDie['mark']) => dice.filter((d) => d.mark === mark);
  const [criticals, successes, cancelling, cancelled, ones, failures] = [of('critical'), of('success'), of('cancelling'), of('cancelled'), of('one'), of('failure')];
  const lines: string[] = [];
  if (criticals.length) lines.push(`💥 ${faces(criticals)} ${criticals.length === 1 ? 'critical' : 'criticals'}, 2 each: **+${2 * criticals.length}**`);
  if (successes.length) lines.push(`✅ ${faces(successes)} ${successes.length === 1 ? 'success' : 'successes'}: **+${successes.length}**`);
  if (cancelling.length > 0 && cancelling.length === cancelled.length) {
    lines.push(`⚖️ ${faces(cancelling)} ${cancelling.length === 1 ? 'cancels' : 'cancel'} ${faces(cancelled)}: 0`);
  } else {
    // The pairs straddle the regular and the desperation dice.
    if (cancelling.length) lines.push(`⚖️ ${faces(cancelling)} ${cancelling.length === 1 ? 'cancels a 10' : 'each cancel a 10'}: 0`);
    if (cancelled.length) lines.push(`⚖️ ${faces(cancelled)} ${cancelled.length === 1 ? 'cancelled by a 1' : 'each cancelled by a 1'}: 0`);
  }
  if (ones.length) lines.push(`☠️ ${faces(ones)} ${ones.length === 1 ? 'cancels a success' : `cancel ${ones.length} successes`}: **−${ones.length}**`);
  if (failures.length) lines.push(`▫️ ${faces(failures)} under ${difficulty}: no effect`);
  return lines.length ? lines : ['no dice'];
}

/** The V5 reading of the desperation dice, in plain words. */
function desperationLines(dice: readonly CountedDie[], outcome: CountedOutcome): string[] {
  const lines: string[] = [];
  if (dice.some((d) => d.face === 1)) lines.push('**Despair**: a desperation die shows a 1.');
  if (outcome === 'SUCCESS' || outcome === 'CRITICAL') lines.push('Success with desperation: you may choose to **Overreach**.');
  if (lines.length === 0) lines.push('No 1 on the desperation dice: no Despair.');
  return lines;
}

interface Counted {
  first: Count;
  /** The count after the reroll, when there was one. */
  final: Count;
  difficulty: number;
}

function counted(view: RollView): Counted | null {
  const { roll } = view;
  if (!countable(roll)) return null;
  const first = countRoll(roll);
  const reroll = view.reroll;
  if (!reroll?.roll.result) return { first, final: first, difficulty: roll.difficulty };
  const player = afterReroll(roll.result.player_roll, reroll.indices, reroll.roll.result.player_roll);
  const final = countDice(player, roll.result.desperation_roll.map((face) => ({ face })), roll.difficulty);
  return { first, final, difficulty: roll.difficulty };
}

export function rollEmbed(view: RollView): EmbedBuilder {
  const { roll } = view;
  const result = roll.result;
  const count = counted(view);
  const rerolled = Boolean(count && view.reroll);
  // Valentina computes the result of its own roll; the bot counts only the combination after a reroll.
  const outcome: Outcome = rerolled && count ? count.final.outcome : (result?.total_result_type ?? 'OTHER');
  const total = rerolled && count ? count.final.total : result?.total_result;

  const lines: string[] = [];
  if (roll.comment && roll.comment !== defaultComment(view.quickrollName)) lines.push(`> ${clip(roll.comment.replace(/\s+/g, ' '), 1000)}`);
  const pool = view.pool.map((t) => `${t.name} ${t.value}`).join(' + ') || 'no traits';
  const desperation = roll.num_desperation_dice > 0 ? ` + ${plural(roll.num_desperation_dice, 'desperation die', 'desperation dice')}` : '';
  lines.push(`${pool} = **${plural(roll.num_dice, 'die', 'dice')}**${desperation} at difficulty **${roll.difficulty ?? '—'}**`);
  if (view.missing.length > 0) lines.push(`⚠️ ${view.characterName} lacks ${view.missing.map((m) => `**${m}**`).join(', ')}: left out of the pool.`);
  lines.push(`Rolled by <@${view.rollerId}> · roll \`${shortRef(roll.id)}\``);

  const embed = new EmbedBuilder()
    .setColor(OUTCOME_EMBED_COLOURS[outcome])
    .setTitle(clip(`🎲 ${view.characterName} — ${view.quickrollName}`, 256))
    .setDescription(clip(lines.join('\n'), 4096));
  if (count) {
    const player = count.final.dice.filter((d) => !d.desperation);
    const despair = count.final.dice.filter((d) => d.desperation);
    embed.addFields({ name: 'Dice', value: clip(countingLines(player, count.difficulty).join('\n'), 1024) });
    if (despair.length > 0) {
      const value = [...countingLines(despair, count.difficulty), ...desperationLines(despair, count.final.outcome)].join('\n');
      embed.addFields({ name: 'Desperation dice', value: clip(value, 1024) });
    }
  } else {
    embed.addFields({ name: 'Dice', value: clip(result?.player_roll_emoji || 'no dice', 1024) });
    if (roll.num_desperation_dice > 0) embed.addFields({ name: 'Desperation dice', value: clip(result?.desperation_roll_emoji || 'no dice', 1024) });
  }
  if (rerolled && count && view.reroll && result) {
    const before = view.reroll.indices.map((i) => faceEmoji(result.player_roll[i] ?? 0)).join(' ');
    const after = (view.reroll.roll.result?.player_roll ?? []).map(faceEmoji).join(' ');
    embed.addFields(
      { name: '🔁 Reroll', value: `R: ${before} → ${after} · roll \`${shortRef(view.reroll.roll.id)}\`` },
      { name: 'Before the reroll', value: `${OUTCOME_TITLES[result.total_result_type]}: ${tally(result.total_result)}` },
    );
  }
  embed.addFields({ name: OUTCOME_TITLES[outcome], value: tally(total) }).setTimestamp(new Date(roll.date_created));
  return embed;
}
