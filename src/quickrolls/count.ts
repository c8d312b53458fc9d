/**
 * How Valentina counts a d10 roll with a difficulty (contract §3.9, "Roll arithmetic"), die by die:
 * 1 = a one, 2…d−1 = a failure, d…9 = a success, 10 = a critical, over player and desperation dice
 * together. Ones and tens cancel pairwise first; total = successes + 2·(tens left) − (ones left);
 * below 0 is a botch, 0 a failure, above the number of dice a critical, else a success. The embed
 * shows each die's part in that total, and a reroll's combined result is counted the same way.
 */
import type { DiceRoll } from '../valentina/index.js';

export type Outcome = 'CRITICAL' | 'SUCCESS' | 'FAILURE' | 'BOTCH';

/**
 * A die's part in the total: `critical` (+2), `success` (+1), `failure` (0), `one` (−1: a one with no
 * ten to cancel), `cancelling` (a one that cancelled a ten) and `cancelled` (a ten cancelled by a one).
 */
export type DieMark = 'critical' | 'success' | 'failure' | 'one' | 'cancelling' | 'cancelled';

export interface DieInput {
  face: number;
  /** The face this die showed before a reroll, when it was rerolled. */
  rerolledFrom?: number;
}

export interface CountedDie extends DieInput {
  desperation: boolean;
  mark: DieMark;
}

export interface Count {
  /** Player dice first, then desperation dice, each in the order given. */
  dice: CountedDie[];
  total: number;
  outcome: Outcome;
}

export const DIE_VALUE: Record<DieMark, number> = { critical: 2, success: 1, failure: 0, one: -1, cancelling: 0, cancelled: 0 };

/** Counts the dice as Valentina does; which one cancels which ten only matters for the display (player dice first). */
export function countDice(player: readonly DieInput[], desperation: readonly DieInput[], difficulty: number): Count {
  const dice: CountedDie[] = [
    ...player.map((d) => ({ ...d, desperation: false, mark: classify(d.face, difficulty) })),
    ...desperation.map((d) => ({ ...d, desperation: true, mark: classify(d.face, difficulty) })),
  ];
  const ones = dice.filter((d) => d.mark === 'one');
  const tens = dice.filter((d) => d.mark === 'critical');
  const pairs = Math.min(ones.length, tens.length);
  for (let i = 0; i < pairs; i += 1) {
    ones[i]!.mark = 'cancelling';
    tens[i]!.mark = 'cancelled';
  }
  const total = dice.reduce((sum, d) => sum + DIE_VALUE[d.mark], 0);
  const outcome: Outcome = total < 0 ? 'BOTCH' : total === 0 ? 'FAILURE' : total > dice.length ? 'CRITICAL' : 'SUCCESS';
  return { dice, total, outcome };
}

function classify(face: number, difficulty: number): DieMark {
  if (face === 1) return 'one';
  if (face === 10) return 'critical';
  return face >= difficulty ? 'success' : 'failure';
}

/** Whether the bot can count this roll itself: Valentina's own d10 tally (other sizes or no difficulty are not counted). */
export function countable(roll: DiceRoll): roll is DiceRoll & { difficulty: number; result: NonNullable<DiceRoll['result']> } {
  return roll.dice_size === 10 && roll.difficulty !== null && roll.result !== null;
}

/** The roll as Valentina returned it, counted die by die. */
export function countRoll(roll: DiceRoll & { difficulty: number; result: NonNullable<DiceRoll['result']> }): Count {
  const faces = (list: readonly number[]) => list.map((face) => ({ face }));
  return countDice(faces(roll.result.player_roll), faces(roll.result.desperation_roll), roll.difficulty);
}

/** The most player dice one reroll may replace (the Willpower rule). */
export const REROLL_MAX_DICE = 3;

/**
 * Indices (into `player_roll`) of the player dice a reroll may replace: the ones and the failures.
 * Ones come first (rerolling one takes back a lost success or frees a ten), then failures; desperation
 * dice are never rerolled.
 */
export function failedDice(roll: DiceRoll & { difficulty: number; result: NonNullable<DiceRoll['result']> }): number[] {
  const faces = roll.result.player_roll;
  const indices = faces.map((_, i) => i).filter((i) => faces[i]! < roll.difficulty);
  return indices.sort((a, b) => (faces[a] === 1 ? 0 : 1) - (faces[b] === 1 ? 0 : 1) || a - b);
}

/** The player dice after a reroll: the faces at `indices` replaced by `faces`, in order, marked with what they were. */
export function afterReroll(player: readonly number[], indices: readonly number[], faces: readonly number[]): DieInput[] {
  const replaced = new Map(indices.map((index, i) => [index, faces[i]]));
  return player.map((face, index) => {
    const next = replaced.get(index);
    return next === undefined ? { face } : { face: next, rerolledFrom: face };
  });
}
