/** Dice: a forceable random source and the API's roll arithmetic (§3.9). */
import { randomInt } from 'node:crypto';
import type { DiceRollResult, RollResultType } from './model.js';

export class DiceSource {
  private readonly forced: number[] = [];

  constructor(private readonly random: (size: number) => number = (size) => randomInt(1, size + 1)) {}

  /** Faces returned before any random ones, in order. */
  force(values: number[]): void {
    this.forced.push(...values);
  }

  roll(count: number, size: number): number[] {
    const faces: number[] = [];
    for (let i = 0; i < Math.max(0, count); i += 1) faces.push(this.forced.shift() ?? this.random(size));
    return faces;
  }
}

const KEYCAP_EMOJI = ['0️⃣', '1️⃣', '2️⃣', '3️⃣', '4️⃣', '5️⃣', '6️⃣', '7️⃣', '8️⃣', '9️⃣', '🔟'];
const SHORTCODES = [':zero:', ':one:', ':two:', ':three:', ':four:', ':five:', ':six:', ':seven:', ':eight:', ':nine:', ':keycap_ten:'];

export function renderEmoji(faces: number[]): string {
  return faces.map((f) => KEYCAP_EMOJI[f] ?? String(f)).join(' ');
}

export function renderShortcode(faces: number[]): string {
  return faces.map((f) => SHORTCODES[f] ?? `\`${f}\``).join(' ');
}

function classifyOutcome(
  faces: number[],
  size: number,
  difficulty: number,
): { botches: number; failures: number; successes: number; criticals: number } {
  const tally = { botches: 0, failures: 0, successes: 0, criticals: 0 };
  for (const face of faces) {
    if (face === 1) tally.botches += 1;
    else if (face === size) tally.criticals += 1;
    else if (face >= difficulty) tally.successes += 1;
    else tally.failures += 1;
  }
  return tally;
}

/** Scores sorted player and desperation dice. */
export function scoreRoll(
  playerRoll: number[],
  desperationRoll: number[],
  size: number,
  difficulty: number | null,
): DiceRollResult {
  const player = [...playerRoll].sort((a, b) => a - b);
  const desperation = [...desperationRoll].sort((a, b) => a - b);
  const total = [...player, ...desperation].sort((a, b) => a - b);
  let totalResult: number | null = null;
  let type: RollResultType = 'OTHER';
  let humanized = '';
  if (difficulty !== null) {
    const tally = classifyOutcome(total, size, difficulty);
    if (size === 10) {
      const crits = Math.max(0, tally.criticals - tally.botches);
      const botches = Math.max(0, tally.botches - tally.criticals);
      totalResult = tally.successes + 2 * crits - botches;
      type = totalResult < 0 ? 'BOTCH' : totalResult === 0 ? 'FAILURE' : totalResult > total.length ? 'CRITICAL' : 'SUCCESS';
      humanized = `${totalResult} ${totalResult === 1 ? 'Success' : 'Successes'}`;
    } else {
      totalResult = tally.successes - tally.failures - tally.botches;
    }
  }
  return {
    total_result: totalResult,
    total_result_type: type,
    total_result_humanized: humanized,
    total_dice_roll: total,
    player_roll: player,
    desperation_roll: desperation,
    total_dice_roll_emoji: renderEmoji(total),
    total_dice_roll_shortcode: renderShortcode(total),
    player_roll_emoji: renderEmoji(player),
    player_roll_shortcode: renderShortcode(player),
    desperation_roll_emoji: renderEmoji(desperation),
    desperation_roll_shortcode: renderShortcode(desperation),
  };
}
