/**
 * The XP ledger end to end, on the real bot process: history (who sees what, pages, the member
 * menu), Undo within and after its window and when clicked twice, `/xp spend` by the company
 * setting, the CSV export, and one ledger entry per change when Valentina's answer is lost.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GuildBinding } from '../../src/identity/guild-binding.js';
import type { OptionValue, SimMessage, VisibleReply } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS, MAIN_CAMPAIGN_AS_DEFAULT } from '../../packages/sandbox/src/fixture.js';
import { bindChicago, startStack, waitFor, type Stack } from '../support/bot-process.js';

const { chicago } = FIXTURE_IDS.companies;
const main = FIXTURE_IDS.campaigns.main;
const ids = FIXTURE_IDS.users;
/**
 * The undo window of this file's bot: many times what an undo meant to be in time needs (a grant, then a
 * few clicks: well under a second even on a loaded machine), and short, so the late undo waits little. Its
 * grant is made first, so its window runs out while the other tests run.
 */
const UNDO_WINDOW_SECONDS = 6;

describe('the XP ledger', () => {
  let stack: Stack;
  let binding: GuildBinding;
  /** The grant the last test tries to undo once its window has passed. */
  let tooLate: VisibleReply;

  beforeAll(async () => {
    stack = await startStack({ env: { XP_UNDO_WINDOW_SECONDS: String(UNDO_WINDOW_SECONDS) } });
    binding = await bindChicago(stack, { ...MAIN_CAMPAIGN_AS_DEFAULT, auditChannelId: stack.guild.defaultChannelId });
    tooLate = await grant(2, 'Too late');
  });
  afterAll(async () => {
    await stack?.close();
  });

  type Name = keyof Stack['users'];
  const run = (user: Name, subcommand: string, options: Record<string, OptionValue> = {}, command = 'xp') =>
    stack.sim.slashCommand({ user: stack.users[user], guildId: stack.guild.id, command, subcommand, options }).then((ix) => ix.reply({ timeoutMs: 20_000 }));
  const grant = (amount: number, reason: string, user: Name = 'mara') => run('celeste', 'add', { user: stack.users[user].id, amount, reason });
  const balance = (userId: string) => ({ xp_current: 0, xp_total: 0, cool_points: 0, ...stack.fake.store.getExperience(userId, main) });
  const buttonId = (message: SimMessage, label: string) =>
    message.components.flatMap((row) => row.components ?? []).find((c) => c.label?.includes(label))?.custom_id;
  const click = (user: Name, reply: VisibleReply, label: string) =>
    stack.sim.clickButton({ user: stack.users[user], guildId: stack.guild.id, message: reply.message, customId: buttonId(reply.message, label)! });
  const isAudit = (title: string) => (m: SimMessage) => m.interactionId === null && m.embeds.some((e) => e.title === title);
  const forgetCompanySettings = () => {
    stack.fake.flushResponseCache();
    return stack.redis.client.del(`${stack.redis.prefix}:dir:company:${chicago}`);
  };
  /** The ledger as stored: every entry's JSON, oldest first. */
  const ledger = async () =>
    ((await stack.redis.client.xrange(`${stack.redis.prefix}:xp-ledger:${chicago}`, '-', '+')) as Array<[string, string[]]>).map(
      ([id, fields]) => ({ id, ...(JSON.parse(fields[1]!) as { kind: string; reason: string | null; amount: number; undoes: string | null }) }),
    );
  const history = (user: Name, options: Record<string, OptionValue> = {}) => run(user, 'history', options);
  const lines = (reply: VisibleReply) => (reply.embeds[0]?.description ?? '').split('\n').filter((line) => line.startsWith('<t:'));

  it('shows players their own history and refuses them anyone else’s; storytellers see everyone, also from the member menu', async () => {
    await grant(5, 'Elysium speech');
    await grant(3, 'Held the door', 'bastien');

    const own = await history('mara');
    expect(own.ephemeral).toBe(true);
    expect(own.embeds[0]!.description).toContain('**+5 XP**');
    expect(own.embeds[0]!.description).toContain('Elysium speech');
    expect(own.embeds[0]!.description).not.toContain('Held the door');

    const others = await history('mara', { user: stack.users.bastien.id });
    expect(others.ephemeral).toBe(true);
    expect(others.content).toBe("You can see only your own XP history; storytellers and admins see everyone's. Leave out the user, or pick yourself.");

    const all = await history('celeste');
    expect(all.embeds[0]!.description).toContain('Elysium speech');
    expect(all.embeds[0]!.description).toContain('Held the door');

    const menu = await (await stack.sim.userContextMenu({ user: stack.users.celeste, guildId: stack.guild.id, command: 'XP history', targetId: stack.users.bastien.id })).reply();
    expect(menu.ephemeral).toBe(true);
    expect(menu.embeds[0]!.description).toContain(`Changes to <@${stack.users.bastien.id}>`);
    expect(menu.embeds[0]!.description).toContain('Held the door');
    expect(menu.embeds[0]!.description).not.toContain('Elysium speech');
    const refusedMenu = await (await stack.sim.userContextMenu({ user: stack.users.mara, guildId: stack.guild.id, command: 'XP history', targetId: stack.users.bastien.id })).reply();
    expect(refusedMenu.content).toContain('You can see only your own XP history');
  });

  it('pages through the history, newest first, ten changes a page', async () => {
    for (let i = 1; i <= 12; i += 1) await grant(1, `page test ${i}`, 'bastien');
    const count = (await ledger()).filter((e) => e.reason?.startsWith('page test') || e.reason === 'Held the door').length;
    expect(count).toBe(13);

    const first = await history('celeste', { user: stack.users.bastien.id });
    expect(first.embeds[0]!.footer?.text).toBe('Page 1 of 2 · 13 changes');
    expect(lines(first)).toHaveLength(10);
    expect(lines(first)[0]).toContain('page test 12');
    const older = await (await click('celeste', first, 'Older')).reply();
    expect(older.embeds[0]!.footer?.text).toBe('Page 2 of 2 · 13 changes');
    expect(lines(older).map((l) => /page test \d+|Held the door/.exec(l)?.[0])).toEqual(['page test 2', 'page test 1', 'Held the door']);
    const newer = await (await click('celeste', older, 'Newer')).reply();
    expect(lines(newer)[0]).toContain('page test 12');
  });

  it('undoes a grant within the window: balance back, record and ledger marked, audit message', async () => {
    const before = balance(ids.mara.id);
    const record = await grant(4, 'Undo me');
    expect(balance(ids.mara.id).xp_current).toBe(before.xp_current + 4);
    const refused = await (await click('mara', record, 'Undo')).reply();
    expect(refused.content).toContain(`Only <@${stack.users.celeste.id}>, who made this change, or an admin`);

    const undone = await (await click('celeste', record, 'Undo')).reply();
    expect(undone.embeds[0]!.title).toMatch(/^~~\+4 XP for .+~~ — undone$/);
    expect(undone.embeds[0]!.fields?.find((f) => f.name === 'Undone')?.value).toContain(`by <@${stack.users.celeste.id}>`);
    expect(undone.components).toEqual([]);
    expect(balance(ids.mara.id).xp_current).toBe(before.xp_current);

    const entries = await ledger();
    const original = entries.find((e) => e.reason === 'Undo me')!;
    expect(entries.filter((e) => e.undoes === original.id)).toHaveLength(1);
    const own = await history('mara');
    expect(own.embeds[0]!.description).toContain('~~+4 XP~~ (undone)');
    const title = `Undone: +4 XP for ${record.embeds[0]!.title!.replace('+4 XP for ', '')}`;
    await stack.sim.waitForMessage({ channelId: binding.auditChannelId!, predicate: isAudit(title), timeoutMs: 10_000 });
  });

  it('undoes once when Undo is clicked twice at once', async () => {
    const before = balance(ids.bastien.id);
    const record = await grant(6, 'Double undo', 'bastien');
    stack.fake.clearRequests();
    const [a, b] = await Promise.all([click('celeste', record, 'Undo'), click('celeste', record, 'Undo')]);
    const replies = await Promise.all([a.reply(), b.reply()]);
    expect(balance(ids.bastien.id).xp_current).toBe(before.xp_current);
    expect(stack.fake.countRequests({ method: 'POST', path: /\/experience\/xp\/remove$/ })).toBe(1);
    const original = (await ledger()).find((e) => e.reason === 'Double undo')!;
    expect((await ledger()).filter((e) => e.undoes === original.id)).toHaveLength(1);
    expect(replies.filter((r) => r.ephemeral && r.content.includes('was already undone'))).toHaveLength(1);
    const title = `Undone: +6 XP for ${record.embeds[0]!.title!.replace('+6 XP for ', '')}`;
    await stack.sim.waitForMessage({ channelId: binding.auditChannelId!, predicate: isAudit(title), timeoutMs: 10_000 });
    expect(stack.sim.channelMessages(binding.auditChannelId!).filter(isAudit(title))).toHaveLength(1);
  });

  it('undoes from /xp undo with autocomplete, marking the record, and says clearly when the XP was spent since', async () => {
    const record = await grant(7, 'Spent since', 'bastien');
    const choices = await stack.sim.autocomplete({ user: stack.users.celeste, guildId: stack.guild.id, command: 'xp', subcommand: 'undo', options: { entry: '' }, focused: 'entry' });
    const entryId = (await ledger()).find((e) => e.reason === 'Spent since')!.id;
    expect(choices[0]).toMatchObject({ value: entryId });
    expect(choices[0]!.name).toMatch(/^\+7 XP for .+ in Requiem for the Loop, \d+ min ago$/);

    const spent = stack.fake.store.ensureExperience(ids.bastien.id, main);
    spent.xp_current = 2;
    const refused = await run('celeste', 'undo', { entry: entryId });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe(
      `<@${stack.users.bastien.id}> has only **2 XP** available in *Requiem for the Loop*: some of the XP this would take back was spent since, so 7 XP can't be removed. Nothing was changed; a storyteller can remove what is left with \`/xp remove\`.`,
    );
    expect(balance(ids.bastien.id).xp_current).toBe(2);
    spent.xp_current = 20;
    const undone = await run('celeste', 'undo', { entry: entryId });
    expect(undone.ephemeral).toBe(false);
    expect(undone.embeds[0]!.fields?.find((f) => f.name === 'Available XP')?.value).toBe('20 → 13');
    // The grant's public record is marked as the Undo button would have, and its button is gone.
    const shown = stack.sim.channelMessages(record.message.channelId).find((m) => m.id === record.message.id)!;
    expect(shown.embeds[0]!.title).toMatch(/^~~\+7 XP for .+~~ — undone$/);
    expect(shown.components).toEqual([]);
  });

  it('lets players spend their own XP only where the Grant XP setting allows it (PLAYER, UNRESTRICTED), recorded as spent', async () => {
    const before = balance(ids.mara.id);
    const refused = await run('mara', 'spend', { amount: 2, reason: 'Potence 1' });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toContain('**Grant XP** setting (`permission_grant_xp`) is **STORYTELLER**');
    expect(balance(ids.mara.id)).toEqual(before);

    stack.fake.store.setCompanySetting(chicago, 'permission_grant_xp', 'PLAYER');
    await forgetCompanySettings();
    try {
      const spent = await run('mara', 'spend', { amount: 2, reason: 'Potence 1' });
      expect(spent.ephemeral).toBe(false);
      expect(spent.embeds[0]!.title).toMatch(/^−2 XP spent by /);
      expect(balance(ids.mara.id).xp_current).toBe(before.xp_current - 2);
      const entries = (await ledger()).filter((e) => e.reason === 'Potence 1');
      expect(entries.map((e) => e.kind)).toEqual(['spend']);
      expect((await history('mara')).embeds[0]!.description).toContain('**−2 XP spent**');

      stack.fake.store.setCompanySetting(chicago, 'permission_grant_xp', 'UNRESTRICTED');
      await forgetCompanySettings();
      const unrestricted = await run('mara', 'spend', { amount: 1, reason: 'Potence 1, the rest' });
      expect(unrestricted.ephemeral).toBe(false);
      expect(balance(ids.mara.id).xp_current).toBe(before.xp_current - 3);
      expect((await ledger()).filter((e) => e.reason === 'Potence 1, the rest').map((e) => e.kind)).toEqual(['spend']);
    } finally {
      stack.fake.store.setCompanySetting(chicago, 'permission_grant_xp', 'STORYTELLER');
      await forgetCompanySettings();
    }
  });

  it('exports the history as CSV, quoted and safe from formulas', async () => {
    await grant(1, '=HYPERLINK("http://evil"), "quoted"');
    const reply = await history('celeste', { user: stack.users.mara.id, export: true });
    expect(reply.ephemeral).toBe(true);
    const file = reply.attachments[0]!;
    expect(file.filename).toMatch(/^xp-ledger-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = file.data.toString('utf8');
    const rows = text.split('\r\n').filter(Boolean);
    expect(rows[0]).toBe(
      'time,entry,kind,amount,xp_change,player_discord_id,player,by_discord_id,campaign_id,campaign,reason,xp_available_after,xp_total_after,cool_points_after,undoes,undone_by,interaction_id',
    );
    const mine = (await ledger()).filter((e) => (e as unknown as { targetDiscordId: string }).targetDiscordId === stack.users.mara.id);
    expect(rows).toHaveLength(mine.length + 1);
    expect(rows[1]).toContain(`,"'=HYPERLINK(""http://evil""), ""quoted""",`);
    expect(rows[1]).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z,\d+-\d+,add,1,1,/);
    expect(rows.some((r) => r.includes(',spend,2,-2,'))).toBe(true);
  });

  it.each([
    ['apply-then-500', { kind: 'apply-then-status', status: 500 }],
    ['drop-after-apply', { kind: 'drop-after-apply' }],
  ] as const)('writes one ledger entry per grant under %s', async (name, fault) => {
    const times = 3;
    for (let i = 0; i < times; i += 1) {
      stack.fake.faults.inject({ ...fault, method: 'POST', path: /\/experience\/xp\/add$/ });
      const reply = await grant(2, `${name} #${i}`);
      expect(reply.ephemeral).toBe(false);
    }
    expect(stack.fake.faults.pending).toBe(0);
    const entries = (await ledger()).filter((e) => e.reason?.startsWith(`${name} #`));
    expect(entries.map((e) => e.reason)).toEqual([0, 1, 2].map((i) => `${name} #${i}`));
  });

  it('refuses an undo after the window, changing nothing', async () => {
    const record = tooLate;
    const entry = (await ledger()).find((e) => e.reason === 'Too late')!;
    const made = Number(entry.id.split('-')[0]);
    await waitFor('the undo window to pass', (UNDO_WINDOW_SECONDS + 5) * 1000, () => Date.now() > made + UNDO_WINDOW_SECONDS * 1000 + 500);
    const before = balance(ids.mara.id);
    const late = await (await click('celeste', record, 'Undo')).reply();
    expect(late.ephemeral).toBe(true);
    expect(late.content).toContain(`A change can be undone only within ${UNDO_WINDOW_SECONDS} seconds of it being made`);
    const command = await run('celeste', 'undo', { entry: entry.id });
    expect(command.content).toContain('can be undone only within');
    expect(balance(ids.mara.id)).toEqual(before);
    expect((await ledger()).filter((e) => e.undoes === entry.id)).toHaveLength(0);
  }, 60_000);
});
