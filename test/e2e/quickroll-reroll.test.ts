/**
 * The dice message as a table reads it, and its reroll as the rules allow it — on the real bot process
 * with forced dice: each die's part in Valentina's tally, the desperation dice apart with Despair and
 * Overreach, and one reroll of up to three failed dice, by the roller, within 15 minutes, kept next
 * to the first outcome and recorded in Valentina as a new roll of the rerolled dice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InteractionHandle, SimMessage, VisibleReply } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { OUTCOME_COLOURS } from '../../src/stats/index.js';
import { bindChicago, startStack, waitFor, type GuildMemberName, type Stack } from '../support/bot-process.js';

const { quickrolls, characters, campaigns } = FIXTURE_IDS;

describe('/quickroll dice message and reroll', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await bindChicago(stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  type Options = Record<string, string | number | boolean>;
  const run = (options: Options = {}) =>
    stack.sim.slashCommand({ user: stack.users.mara, guildId: stack.guild.id, command: 'quickroll', subcommand: 'run', options: { quickroll: quickrolls.shoot, ...options } }).then((ix) => ix.reply());
  const field = (reply: { embeds: VisibleReply['embeds'] }, name: string) => reply.embeds[0]?.fields?.find((f) => f.name === name)?.value;
  const components = (message: SimMessage) => message.components.flatMap((row) => row.components ?? []);
  const menuOf = (message: SimMessage) => components(message).find((c) => c.type === 3)!;
  const buttonOf = (message: SimMessage) => components(message).find((c) => c.type === 2)!;
  const rollIdOf = (message: SimMessage) => buttonOf(message).custom_id!.split('|')[2]!;
  const press = (user: GuildMemberName, message: SimMessage) =>
    stack.sim.clickButton({ user: stack.users[user], guildId: stack.guild.id, message, customId: buttonOf(message).custom_id! });
  const pick = (user: GuildMemberName, message: SimMessage, values: string[]) =>
    stack.sim.selectMenu({ user: stack.users[user], guildId: stack.guild.id, message, customId: menuOf(message).custom_id!, values });
  const refusal = async (handle: InteractionHandle) => {
    const reply = await handle.reply();
    expect(reply.ephemeral).toBe(true);
    return reply.content;
  };
  const r2 = () => stack.fake.requests.filter((r) => r.method === 'POST' && r.path.split('?')[0]!.endsWith('/dicerolls'));

  it('shows each die as Valentina counted it: successes, the 1 cancelling the 10, the failures, and a short roll reference', async () => {
    stack.fake.forceDice([1, 10, 7, 6, 3]);
    const reply = await run();
    const roll = [...stack.fake.store.diceRolls.values()].at(-1)!;
    expect(roll.result.total_result).toBe(2);
    expect(field(reply, 'Dice')).toBe(['✅ 6️⃣ 7️⃣ successes: **+2**', '⚖️ 1️⃣ cancels 🔟: 0', '▫️ 3️⃣ under 6: no effect'].join('\n'));
    expect(field(reply, '✅ Success')).toBe('**2** successes');
    expect(reply.embeds[0]!.description).toContain(`· roll \`${roll.id.slice(0, 8)}\``);
    expect(reply.embeds[0]!.footer).toBeUndefined();
  });

  it('shows a 1 left without a 10 taking a success away, and a critical counting double', async () => {
    stack.fake.forceDice([1, 1, 8, 4, 10]);
    const failure = await run();
    expect(field(failure, 'Dice')).toBe(['✅ 8️⃣ success: **+1**', '⚖️ 1️⃣ cancels 🔟: 0', '☠️ 1️⃣ cancels a success: **−1**', '▫️ 4️⃣ under 6: no effect'].join('\n'));
    expect(field(failure, '❌ Failure')).toBe('**0** successes');

    stack.fake.forceDice([10, 10, 7, 8, 9]);
    const critical = await run();
    expect(field(critical, 'Dice')).toBe(['💥 🔟 🔟 criticals, 2 each: **+4**', '✅ 7️⃣ 8️⃣ 9️⃣ successes: **+3**'].join('\n'));
    expect(field(critical, '💥 Critical success')).toBe('**7** successes');
    expect(critical.embeds[0]!.color).toBe(OUTCOME_COLOURS.critical);
  });

  it('shows desperation dice apart, with Despair for a 1 and Overreach offered on a success', async () => {
    stack.fake.forceDice([6, 7, 2, 3, 4, 1, 8]);
    const despair = await run({ desperation: 2 });
    expect(field(despair, 'Dice')).toBe(['✅ 6️⃣ 7️⃣ successes: **+2**', '▫️ 2️⃣ 3️⃣ 4️⃣ under 6: no effect'].join('\n'));
    expect(field(despair, 'Desperation dice')).toBe(
      ['✅ 8️⃣ success: **+1**', '☠️ 1️⃣ cancels a success: **−1**', '**Despair**: a desperation die shows a 1.', 'Success with desperation: you may choose to **Overreach**.'].join('\n'),
    );
    expect(field(despair, '✅ Success')).toBe('**2** successes');

    stack.fake.forceDice([2, 3, 4, 5, 2, 3]);
    const calm = await run({ desperation: 1 });
    expect(field(calm, 'Desperation dice')).toBe(['▫️ 3️⃣ under 6: no effect', 'No 1 on the desperation dice: no Despair.'].join('\n'));
  });

  it('rerolls the failed dice the roller picks, once: a new roll of those dice in Valentina, the first outcome kept, the new dice marked R:', async () => {
    stack.fake.forceDice([1, 4, 6, 3, 2]);
    const first = (await run()).message;
    expect(menuOf(first).max_values).toBe(3);
    expect(menuOf(first).options!.map((o) => o.value)).toEqual(['0', '1', '2', '3']); // the 1 first, then 2, 3 and 4
    expect(buttonOf(first).label).toBe('Reroll 3 failed dice');

    const requests = r2().length;
    const refused = await refusal(await press('bastien', first));
    expect(refused).toContain(`Only <@${stack.users.mara.id}> can reroll this`);
    expect(r2()).toHaveLength(requests);

    stack.fake.forceDice([10, 8]);
    const rolls = stack.fake.store.diceRolls.size;
    const rerolled = await (await pick('mara', first, ['0', '3'])).reply();
    expect(stack.fake.store.diceRolls.size).toBe(rolls + 1);
    const sent = r2().at(-1)!;
    expect(sent.headers['idempotency-key']).toMatch(/:quickroll-reroll$/);
    expect(sent.body).toEqual({
      num_dice: 2,
      difficulty: 6,
      dice_size: 10,
      num_desperation_dice: 0,
      comment: `Reroll of roll ${rollIdOf(first).slice(0, 8)} (Shoot): 1, 4`,
      trait_ids: [],
      character_id: characters.lucien,
      campaign_id: campaigns.main,
    });
    expect(rerolled.message.id).toBe(first.id);
    expect(field(rerolled, 'Dice')).toBe(['💥 R:🔟 critical, 2 each: **+2**', '✅ R:8️⃣ 6️⃣ successes: **+2**', '▫️ 2️⃣ 3️⃣ under 6: no effect'].join('\n'));
    expect(field(rerolled, '🔁 Reroll')).toMatch(/^R: 1️⃣ 4️⃣ → 8️⃣ 🔟 · roll `[\da-f]{8}`$/);
    expect(field(rerolled, 'Before the reroll')).toBe('❌ Failure: **0** successes');
    expect(field(rerolled, '✅ Success')).toBe('**4** successes');
    expect(rerolled.embeds[0]!.color).toBe(OUTCOME_COLOURS.success);
    expect(components(rerolled.message)).toEqual([expect.objectContaining({ type: 2, label: 'Rerolled', disabled: true })]);
  });

  it('rerolls the first three failed dice from the button, and refuses a second reroll pressed at the same time', async () => {
    stack.fake.forceDice([2, 3, 4, 5, 1]);
    const first = (await run()).message;
    const requests = r2().length;
    stack.fake.forceDice([9, 9, 9]);
    // Both reach the bot before either is answered; the menu picks the dice the button would.
    const [button, menu] = await Promise.all([press('mara', first), pick('mara', first, ['0', '1', '2'])]);
    const shown = () => stack.sim.channelMessages(first.channelId).find((m) => m.id === first.id)!;
    const refusals = () => [button, menu].flatMap((h) => [h.original, ...h.followUps]).filter((m) => m !== undefined && (m.flags & 64) !== 0);
    await waitFor('one reroll and one refusal', 15_000, () => refusals().length === 1 && field(shown(), '🔁 Reroll') !== undefined);
    expect(refusals()[0]!.content).toContain('already rerolled: one reroll per roll');
    expect(r2()).toHaveLength(requests + 1);
    expect(r2().at(-1)!.body).toMatchObject({ num_dice: 3 });
    expect(field(shown(), '🔁 Reroll')).toMatch(/^R: 1️⃣ 2️⃣ 3️⃣ → 9️⃣ 9️⃣ 9️⃣/);
    expect(field(shown(), '✅ Success')).toBe('**3** successes');
  });

  it('refuses a reroll after 15 minutes and disables it on the message', async () => {
    stack.fake.forceDice([2, 3, 4, 5, 6]);
    const first = (await run()).message;
    const key = `${stack.redis.prefix}:quickroll:reroll:${rollIdOf(first)}`;
    const state = JSON.parse((await stack.redis.client.get(key))!) as { rolledAt: number };
    // The roll as if shown 15 minutes and a second ago.
    await stack.redis.client.set(key, JSON.stringify({ ...state, rolledAt: state.rolledAt - (15 * 60 + 1) * 1000 }), 'KEEPTTL');
    const requests = r2().length;
    const late = await refusal(await press('mara', first));
    expect(late).toContain('Too late to reroll: a reroll must come within 15 minutes of the roll');
    expect(r2()).toHaveLength(requests);
    const shown = stack.sim.channelMessages(first.channelId).find((m) => m.id === first.id)!;
    expect(components(shown)).toEqual([expect.objectContaining({ label: 'Reroll closed (15 minutes)', disabled: true })]);
  });
});
