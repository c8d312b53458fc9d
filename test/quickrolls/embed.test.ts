/** The dice embed: what a table sees for a fixed roll, per outcome, and within Discord's limits. */
import { describe, expect, it } from 'vitest';
import { renderComponents, renderEmbed } from '../../packages/sandbox/src/demo/render.js';
import type { SimComponent, SimEmbed } from '../../packages/sandbox/src/discord-sim/index.js';
import { rollEmbed, type RollView } from '../../src/quickrolls/embed.js';
import { cssColour, OUTCOME_COLOURS } from '../../src/stats/index.js';
import type { DiceRoll } from '../../src/valentina/index.js';

/** Shoot with Lucien at difficulty 6 plus one desperation die: the 1 cancels a 10, the 6, 8 and 7 succeed. */
const ROLL: DiceRoll = {
  id: '0197e423-7b8c-7d9e-8af1-2a3b4c5d6e7f',
  date_created: '2026-07-14T21:30:00Z',
  date_modified: '2026-07-14T21:30:00Z',
  difficulty: 6,
  dice_size: 10,
  num_dice: 5,
  num_desperation_dice: 1,
  result: {
    total_result: 3,
    total_result_type: 'SUCCESS',
    total_result_humanized: '3 Successes',
    total_dice_roll: [1, 3, 6, 7, 8, 10],
    player_roll: [1, 3, 6, 8, 10],
    desperation_roll: [7],
    total_dice_roll_emoji: '1️⃣ 3️⃣ 6️⃣ 7️⃣ 8️⃣ 🔟',
    total_dice_roll_shortcode: ':one: :three: :six: :seven: :eight: :keycap_ten:',
    player_roll_emoji: '1️⃣ 3️⃣ 6️⃣ 8️⃣ 🔟',
    player_roll_shortcode: ':one: :three: :six: :eight: :keycap_ten:',
    desperation_roll_emoji: '7️⃣',
    desperation_roll_shortcode: ':seven:',
  },
  comment: 'Covering fire from the fire escape',
  trait_ids: ['0197d0f1-0000-7000-8000-000000000001', '0197d0f1-0000-7000-8000-000000000002', '0197d0f1-0000-7000-8000-000000000003'],
  user_id: '0197e3d0-1b2c-7d3e-a4f5-6a7b8c9d0e1f',
  character_id: '0197e401-5f6a-7b7c-a8d9-0e1f2a3b4c5d',
  campaign_id: '0197e3e1-3d4e-7f5a-86b7-8c9d0e1f2a3b',
  company_id: '0197e3c2-5a10-7f3e-8b21-4c6d2e9a1f05',
};

const VIEW: RollView = {
  characterName: "Lucien 'Luke' Carrow",
  quickrollName: 'Shoot',
  pool: [{ name: 'Dexterity', value: 3 }, { name: 'Firearms', value: 2 }],
  missing: ['Celerity Shot'],
  roll: ROLL,
  rollerId: '402817294562377729',
};

const withOutcome = (type: NonNullable<DiceRoll['result']>['total_result_type'], total: number | null): RollView => ({
  ...VIEW,
  roll: { ...ROLL, result: { ...ROLL.result!, total_result_type: type, total_result: total } },
});

describe('rollEmbed', () => {
  it('matches the snapshot for a fixed roll', async () => {
    const embed = rollEmbed(VIEW).toJSON();
    await expect(`${JSON.stringify(embed, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/roll-embed.json');
    const reroll: SimComponent = { type: 1, components: [{ type: 2, style: 2, label: 'Reroll', custom_id: 'v1|qr.reroll|…' }] };
    const header = [
      'mara> /quickroll run quickroll:Shoot desperation:1 comment:Covering fire from the fire escape',
      `Valentina bot (public message; embed colour ${cssColour(embed.color!)}, the "success" colour of the /stats charts):`,
    ].join('\n');
    const text = `${header}\n${renderEmbed(embed as SimEmbed)}\n${renderComponents({ components: [reroll] })}\n`;
    await expect(text).toMatchFileSnapshot('../../docs/quickroll-embed.txt');
  });

  it('shows every die, the pool, the missing trait, the comment and the roller', () => {
    const embed = rollEmbed(VIEW).toJSON();
    expect(embed.title).toBe("🎲 Lucien 'Luke' Carrow — Shoot");
    expect(embed.description).toContain('> Covering fire from the fire escape');
    expect(embed.description).toContain('Dexterity 3 + Firearms 2 = **5 dice** + 1 desperation die at difficulty **6**');
    expect(embed.description).toContain("Lucien 'Luke' Carrow lacks **Celerity Shot**");
    expect(embed.description).toContain('Rolled by <@402817294562377729>');
    expect(embed.fields).toEqual([
      { name: 'Dice', value: '1️⃣ 3️⃣ 6️⃣ 8️⃣ 🔟' },
      { name: 'Desperation dice', value: '7️⃣' },
      { name: '✅ Success', value: '**3** successes' },
    ]);
  });

  it('colours each outcome like the /stats charts and names it', () => {
    const cases = [
      ['CRITICAL', 8, OUTCOME_COLOURS.critical, '💥 Critical success', '**8** successes'],
      ['SUCCESS', 1, OUTCOME_COLOURS.success, '✅ Success', '**1** success'],
      ['FAILURE', 0, OUTCOME_COLOURS.failure, '❌ Failure', '**0** successes'],
      ['BOTCH', -2, OUTCOME_COLOURS.botch, '☠️ Botch', '**-2** — more ones than successes'],
    ] as const;
    for (const [type, total, colour, name, value] of cases) {
      const embed = rollEmbed(withOutcome(type, total)).toJSON();
      expect(embed.color).toBe(colour);
      expect(embed.fields?.at(-1)).toEqual({ name, value });
    }
  });

  it('leaves out the comment Valentina fills in by itself, and desperation when there is none', () => {
    const plain = rollEmbed({ ...VIEW, missing: [], roll: { ...ROLL, comment: 'Quick roll: Shoot', num_desperation_dice: 0 } }).toJSON();
    expect(plain.description).not.toContain('> ');
    expect(plain.description).not.toContain('lacks');
    expect(plain.fields?.map((f) => f.name)).toEqual(['Dice', '✅ Success']);
  });

  it('stays within Discord limits with an oversized name and comment', () => {
    const embed = rollEmbed({ ...VIEW, characterName: 'C'.repeat(300), roll: { ...ROLL, comment: 'x'.repeat(5000) } }).toJSON();
    expect(embed.title!.length).toBeLessThanOrEqual(256);
    expect(embed.description!.length).toBeLessThanOrEqual(4096);
    expect(embed.description).toContain('…');
  });
});
