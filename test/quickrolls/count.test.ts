/** Valentina's roll arithmetic (contract §3.9), die by die: the bot's count agrees with the API's for every roll. */
import { describe, expect, it } from 'vitest';
import { scoreRoll } from '../../packages/sandbox/src/fake-valentina/dice.js';
import { afterReroll, countDice, failedDice } from '../../src/quickrolls/count.js';
import type { DiceRoll } from '../../src/valentina/index.js';

const dice = (faces: number[]) => faces.map((face) => ({ face }));
const marks = (faces: number[], desperation: number[] = [], difficulty = 6) => countDice(dice(faces), dice(desperation), difficulty);

describe('countDice', () => {
  it('counts the contract example: the 1 cancels the 10, the 6 and the 8 succeed', () => {
    const count = marks([1, 3, 6, 8, 10]);
    expect(count.dice.map((d) => d.mark)).toEqual(['cancelling', 'failure', 'success', 'success', 'cancelled']);
    expect([count.total, count.outcome]).toEqual([2, 'SUCCESS']);
  });

  it('scores 1, 5, 10 at difficulty 6 as a failure, as the code (not the concept page) does', () => {
    expect(marks([1, 5, 10])).toMatchObject({ total: 0, outcome: 'FAILURE' });
  });

  it('takes a success away for each 1 left, and counts a botch below zero', () => {
    expect(marks([1, 1, 7]).dice.map((d) => d.mark)).toEqual(['one', 'one', 'success']);
    expect(marks([1, 1, 7])).toMatchObject({ total: -1, outcome: 'BOTCH' });
  });

  it('calls a total above the number of dice a critical, desperation dice included', () => {
    expect(marks([10, 10, 7], [])).toMatchObject({ total: 5, outcome: 'CRITICAL' });
    expect(marks([10, 10, 7], [2, 3])).toMatchObject({ total: 5, outcome: 'SUCCESS' });
  });

  it('cancels across the regular and the desperation dice', () => {
    const count = marks([10, 6], [1]);
    expect(count.dice.map((d) => [d.face, d.desperation, d.mark])).toEqual([[10, false, 'cancelled'], [6, false, 'success'], [1, true, 'cancelling']]);
    expect(count.total).toBe(1);
  });

  it('agrees with the fake Valentina on thousands of random rolls', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let i = 0; i < 5000; i += 1) {
      const player = Array.from({ length: next() % 12 }, () => (next() % 10) + 1);
      const desperation = Array.from({ length: next() % 4 }, () => (next() % 10) + 1);
      const difficulty = (next() % 10) + 1;
      const api = scoreRoll(player, desperation, 10, difficulty);
      const ours = countDice(dice(api.player_roll), dice(api.desperation_roll), difficulty);
      expect([ours.total, ours.outcome]).toEqual([api.total_result, api.total_result_type]);
    }
  });
});

describe('rerolls', () => {
  const roll = (player: number[], difficulty = 6) => ({ difficulty, dice_size: 10, result: { player_roll: player } }) as unknown as DiceRoll & { difficulty: number; result: NonNullable<DiceRoll['result']> };

  it('offers the ones first, then the failures; never a success or a critical', () => {
    expect(failedDice(roll([1, 2, 4, 6, 10]))).toEqual([0, 1, 2]);
    expect(failedDice(roll([2, 3, 1, 1]))).toEqual([2, 3, 0, 1]);
    expect(failedDice(roll([6, 7, 10]))).toEqual([]);
  });

  it('replaces the rerolled faces in place and remembers what they were', () => {
    expect(afterReroll([1, 3, 6], [0, 1], [9, 2])).toEqual([{ face: 9, rerolledFrom: 1 }, { face: 2, rerolledFrom: 3 }, { face: 6 }]);
  });
});
