/** The dice embed: what a table sees for a fixed roll and its reroll, per outcome, and within Discord's limits. */
import { describe, expect, it } from 'vitest';
import { renderComponents, renderEmbed } from '../../packages/sandbox/src/demo/render.js';
import type { SimComponent, SimEmbed } from '../../packages/sandbox/src/discord-sim/index.js';
import { rollEmbed, type RollView } from '../../src/quickrolls/embed.js';
import { controls, type RerollState } from '../../src/quickrolls/reroll.js';
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
  /** Valentina's R2 of the rerolled 1 and 3: a 9 and a 2. */
  const REROLL: DiceRoll = {
    ...ROLL,
    id: '0197e424-0c1d-7e2f-8a3b-4c5d6e7f8091',
    num_dice: 2,
    num_desperation_dice: 0,
    comment: 'Reroll of roll 0197e423 (Shoot): 1, 3',
    trait_ids: [],
    result: { ...ROLL.result!, total_result: 1, total_dice_roll: [2, 9], player_roll: [2, 9], desperation_roll: [] },
  };
  const state = (reroll: RerollState['reroll']): RerollState => ({
    companyId: ROLL.company_id,
    ownerId: VIEW.rollerId,
    rolledAt: Date.parse(ROLL.date_created),
    view: { characterName: VIEW.characterName, quickrollName: VIEW.quickrollName, pool: [...VIEW.pool], missing: [...VIEW.missing], rollerId: VIEW.rollerId },
    roll: ROLL,
    reroll,
    origin: 'quickroll',
  });
  const rendered = (view: RollView, rows: ReturnType<typeof controls>) => {
    const embed = rollEmbed(view).toJSON();
    const components = rows.map((row) => row.toJSON()) as SimComponent[];
    return { embed, text: `${renderEmbed(embed as SimEmbed)}\n${renderComponents({ components })}` };
  };

  it('matches the snapshot for a fixed roll and its reroll', async () => {
    const first = rendered(VIEW, controls(state(null), Date.parse(ROLL.date_created)));
    await expect(`${JSON.stringify(first.embed, null, 2)}\n`).toMatchFileSnapshot('./__snapshots__/roll-embed.json');
    const rerolled = rendered({ ...VIEW, reroll: { indices: [0, 1], roll: REROLL } }, controls(state({ indices: [0, 1], roll: REROLL }), Date.parse(ROLL.date_created)));
    const text = [
      'mara> /quickroll run quickroll:Shoot desperation:1 comment:Covering fire from the fire escape',
      `Valentina bot (public message; embed colour ${cssColour(first.embed.color!)}, the "success" colour of the /stats charts):`,
      first.text,
      '',
      'mara picks the 1 and the 3 in the reroll menu; the same message then reads:',
      rerolled.text,
      '',
    ].join('\n');
    await expect(text).toMatchFileSnapshot('../../docs/quickroll-embed.txt');
  });

  it('shows the pool, the missing trait, the comment, the roller, a short roll reference and how each die counted', () => {
    const embed = rollEmbed(VIEW).toJSON();
    expect(embed.title).toBe("🎲 Lucien 'Luke' Carrow — Shoot");
    expect(embed.description).toContain('> Covering fire from the fire escape');
    expect(embed.description).toContain('Dexterity 3 + Firearms 2 = **5 dice** + 1 desperation die at difficulty **6**');
    expect(embed.description).toContain("Lucien 'Luke' Carrow lacks **Celerity Shot**");
    expect(embed.description).toContain('Rolled by <@402817294562377729> · roll `0197e423`');
    expect(embed.footer).toBeUndefined();
    expect(embed.fields).toEqual([
      { name: 'Dice', value: '✅ 6️⃣ 8️⃣ successes: **+2**\n⚖️ 1️⃣ cancels 🔟: 0\n▫️ 3️⃣ under 6: no effect' },
      { name: 'Desperation dice', value: '✅ 7️⃣ success: **+1**\nSuccess with desperation: you may choose to **Overreach**.' },
      { name: '✅ Success', value: '**3** successes' },
    ]);
  });

  it('after a reroll: the new dice marked R:, the first outcome kept, the combined result counted', () => {
    const embed = rollEmbed({ ...VIEW, reroll: { indices: [0, 1], roll: REROLL } }).toJSON();
    // 2 and 9 replace the 1 and the 3: the 10 is free again (+2), 9, 6, 8 and 7 succeed → 6 of 6 dice.
    expect(embed.fields).toEqual([
      { name: 'Dice', value: '💥 🔟 critical, 2 each: **+2**\n✅ R:9️⃣ 6️⃣ 8️⃣ successes: **+3**\n▫️ R:2️⃣ under 6: no effect' },
      { name: 'Desperation dice', value: '✅ 7️⃣ success: **+1**\nSuccess with desperation: you may choose to **Overreach**.' },
      { name: '🔁 Reroll', value: 'R: 1️⃣ 3️⃣ → 2️⃣ 9️⃣ · roll `0197e424`' },
      { name: 'Before the reroll', value: '✅ Success: **3** successes' },
      { name: '✅ Success', value: '**6** successes' },
    ]);
  });

  it('offers the failed dice to reroll, at most three, and closes once rerolled or late', () => {
    const open = controls(state(null), Date.parse(ROLL.date_created)).map((row) => row.toJSON()) as SimComponent[];
    const [menu, button] = open.flatMap((row) => row.components ?? []);
    expect(menu).toMatchObject({ type: 3, min_values: 1, max_values: 2, placeholder: 'Reroll: pick up to 2 failed dice' });
    expect(menu!.options!.map((o) => [o.label, o.value])).toEqual([['A 1', '0'], ['A 3', '1']]);
    expect(button).toMatchObject({ type: 2, label: 'Reroll 2 failed dice' });
    const late = controls(state(null), Date.parse(ROLL.date_created) + 15 * 60_000 + 1).map((row) => row.toJSON()) as SimComponent[];
    expect(late.flatMap((row) => row.components ?? [])).toEqual([expect.objectContaining({ label: 'Reroll closed (15 minutes)', disabled: true })]);
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
    const plain = rollEmbed({ ...VIEW, missing: [], roll: { ...ROLL, comment: 'Quick roll: Shoot', num_desperation_dice: 0, result: { ...ROLL.result!, desperation_roll: [] } } }).toJSON();
    expect(plain.description).not.toMatch(/^> /m);
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
