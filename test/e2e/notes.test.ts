/** Notes by DM end to end: a DM becomes a note, undo and delete work, and nothing is lost when Valentina is down. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuildBindingStore } from '../../src/identity/guild-binding.js';
import { composeNote } from '../../src/notes/compose.js';
import type { SimMessage } from '../../src/sandbox/discord-sim/index.js';
import { FIXTURE_IDS } from '../../src/sandbox/fixture.js';
import { startStack, type Stack } from '../support/bot-process.js';

const { chicago, anarch } = FIXTURE_IDS.companies;

describe('notes by DM', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
    await new GuildBindingStore(stack.redis.client, stack.redis.prefix).set({
      guildId: stack.guild.id, companyId: chicago, companyName: 'Chicago by Night', approvalsChannelId: stack.guild.defaultChannelId,
      defaultCampaignId: null, defaultCampaignName: null, auditChannelId: null, updatedBy: stack.users.viktor.id,
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const notesOf = (userId: string) => [...stack.fake.store.notes.values()].filter((n) => n.user_id === userId && !n.archived);
  const button = (message: SimMessage, label: string) => message.components.flatMap((row) => row.components ?? []).find((c) => c.label === label)!.custom_id!;
  const dmAndWait = async (user: Stack['users']['bastien'], text: string) => {
    await stack.sim.sendDM(user, text);
    return stack.sim.waitForMessage({ dmUserId: user.id, timeoutMs: 10_000 });
  };

  it('turns a multi-line DM into a note titled by its first line, with undo', async () => {
    const before = notesOf(FIXTURE_IDS.users.bastien.id).length;
    const confirmation = await dmAndWait(stack.users.bastien, 'Session 14 recap\nThe seneschal owes us a **boon**.');
    expect(confirmation.embeds[0]?.title).toBe('Saved: Session 14 recap');
    const saved = notesOf(FIXTURE_IDS.users.bastien.id);
    expect(saved).toHaveLength(before + 1);
    expect(saved.some((n) => n.content === 'The seneschal owes us a **boon**.')).toBe(true);
    const undo = await stack.sim.clickButton({ user: stack.users.bastien, message: confirmation, customId: button(confirmation, 'Undo') });
    expect((await undo.reply()).content).toContain('Undone');
    expect(notesOf(FIXTURE_IDS.users.bastien.id)).toHaveLength(before);
  });

  it('deletes only after confirmation', async () => {
    const confirmation = await dmAndWait(stack.users.bastien, 'Remember the boon to Bastien');
    const ask = await stack.sim.clickButton({ user: stack.users.bastien, message: confirmation, customId: button(confirmation, 'Delete') });
    const question = await ask.reply();
    expect(question.content).toContain('cannot be undone');
    const yes = await stack.sim.clickButton({ user: stack.users.bastien, message: question.message, customId: button(question.message, 'Yes, delete it') });
    expect((await yes.reply()).content).toContain('Deleted');
  });

  it('explains /link to an unlinked user and /whoami to a member of several companies', async () => {
    const stranger = stack.sim.addUser({ username: 'stranger' });
    expect((await dmAndWait(stranger, 'hello there')).content).toContain('/link');
    expect((await dmAndWait(stack.users.mara, 'where does this go?')).content).toContain('/whoami');
    await stack.redis.client.set(`${stack.redis.prefix}:dm-company:${stack.users.mara.id}`, anarch);
    const saved = await dmAndWait(stack.users.mara, 'Free State meeting at midnight');
    expect(saved.embeds[0]?.footer?.text).toContain('Anarch Free State');
    expect(notesOf(FIXTURE_IDS.users.maraAnarch.id).some((n) => n.title === 'Free State meeting at midnight')).toBe(true);
  });

  it('keeps a note pending while Valentina is down and saves it after a bot restart', async () => {
    const path = new RegExp(`/companies/${chicago}/users/${FIXTURE_IDS.users.bastien.id}/notes$`);
    stack.fake.faults.inject({ method: 'POST', path, kind: 'status', status: 503, times: 1000 });
    const pending = await dmAndWait(stack.users.bastien, 'Pending thought\nWrite this down even if the server is down.');
    expect(pending.content).toContain('**pending**');
    expect(notesOf(FIXTURE_IDS.users.bastien.id).some((n) => n.title === 'Pending thought')).toBe(false);
    await stack.bot.stop('SIGTERM');
    stack.fake.faults.clear();
    await stack.bot.restart();
    const done = await stack.sim.waitForMessage({ dmUserId: stack.users.bastien.id, timeoutMs: 60_000, predicate: (m) => m.content.includes('is saved in Valentina now') });
    expect(done.content).toContain('Pending thought');
    expect(notesOf(FIXTURE_IDS.users.bastien.id).filter((n) => n.title === 'Pending thought')).toHaveLength(1);
    const list = await (await stack.sim.slashCommand({ user: stack.users.bastien, guildId: stack.guild.id, command: 'notes', subcommand: 'list' })).reply();
    expect(list.content).toBe('');
    expect(list.embeds[0]!.description).toContain('Pending thought');
    expect(stack.sim.violations).toEqual([]);
  }, 90_000);
});

describe('composeNote', () => {
  it('cuts long titles with an ellipsis and refuses notes that are too short', () => {
    const long = composeNote(`${'A'.repeat(80)}\nbody text`);
    expect(long.ok && long.title.length).toBe(50);
    expect(long.ok && long.title.endsWith('…')).toBe(true);
    expect(composeNote('hi')).toEqual({ ok: false, reason: expect.stringContaining('at least 3') });
    const one = composeNote('Remember the boon');
    expect(one).toEqual({ ok: true, title: 'Remember the boon', content: 'Remember the boon' });
    const files = composeNote('Map', [{ name: 'map.png', url: 'https://cdn.example/map.png' }]);
    expect(files.ok && files.content).toContain('[map.png](https://cdn.example/map.png)');
  });
});
