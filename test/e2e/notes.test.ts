/**
 * Notes by DM end to end: a DM (or a burst of them) becomes a Valentina note with a confirmation;
 * Edit opens a prefilled form, Delete asks first, Undo takes it back; a member of two companies is
 * asked where notes go; `/notes` lists, views, searches, edits and deletes — only the user's own notes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { SimMessage, SimUser } from '../../packages/sandbox/src/discord-sim/index.js';
import { FIXTURE_IDS } from '../../packages/sandbox/src/fixture.js';
import { commands } from '../../commands/index.js';
import { bindChicago, SIM_APPLICATION_ID, SIM_BOT_TOKEN, startStack, type Stack } from '../support/bot-process.js';

const { chicago, anarch } = FIXTURE_IDS.companies;
const U = FIXTURE_IDS.users;
/**
 * The burst window (NOTES_BURST_QUIET_MS; 4 s in production): every DM note waits this long, so it is short
 * here. A burst's messages are sent back to back and reach the bot within milliseconds of each other, far
 * inside it even on a loaded machine.
 */
const QUIET_MS = 400;

describe('notes by DM', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { NOTES_BURST_QUIET_MS: String(QUIET_MS) } });
    await bindChicago(stack);
    // The stack registers commands in its guild; DMs see global commands, registered as a deployment would.
    const registered = await fetch(`${stack.sim.apiUrl}/v10/applications/${SIM_APPLICATION_ID}/commands`, {
      method: 'PUT',
      headers: { authorization: `Bot ${SIM_BOT_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(commands.map((command) => command.data.toJSON())),
    });
    expect(registered.status).toBe(200);
  });
  afterAll(async () => {
    expect(stack.sim.violations).toEqual([]);
    await stack?.close();
  });

  const notesOf = (userId: string) => [...stack.fake.store.notes.values()].filter((n) => n.user_id === userId && !n.archived);
  const noteTitled = (userId: string, title: string) => notesOf(userId).filter((n) => n.title === title);
  const customId = (message: SimMessage, label: string) => {
    const found = message.components.flatMap((row) => row.components ?? []).find((c) => c.label === label);
    if (!found?.custom_id) throw new Error(`no "${label}" on the message: ${JSON.stringify(message.components)}`);
    return found.custom_id;
  };
  const confirmationFor = (user: SimUser, title: string) =>
    stack.sim.waitForMessage({ dmUserId: user.id, timeoutMs: 15_000, predicate: (m) => m.embeds[0]?.title === `📝 ${title}` });

  it('saves a one-line DM as a note, reacts at once and confirms with Edit, Delete and Undo', async () => {
    const dm = await stack.sim.sendDM(stack.users.bastien, 'Remember the boon Aldo owes us');
    const confirmation = await confirmationFor(stack.users.bastien, 'Remember the boon Aldo owes us');
    expect(stack.sim.reactions(dm.id).get('📝')).toEqual([stack.sim.botUser.id]);
    expect(confirmation.content).toContain('Saved in Valentina');
    expect(confirmation.embeds[0]?.footer?.text).toContain('Chicago by Night');
    expect(confirmation.components[0]?.components?.map((c) => c.label)).toEqual(['Edit', 'Delete', 'Undo']);
    const [saved] = noteTitled(U.bastien.id, 'Remember the boon Aldo owes us');
    expect(saved?.content).toBe('Remember the boon Aldo owes us');
  });

  it('uses the first line of a multi-line DM as the title and the rest as markdown content', async () => {
    await stack.sim.sendDM(stack.users.bastien, 'Session 15 recap\nThe seneschal owes us a **boon**.\n- ask about the warehouse');
    const confirmation = await confirmationFor(stack.users.bastien, 'Session 15 recap');
    expect(confirmation.embeds[0]?.description).toContain('**boon**');
    expect(noteTitled(U.bastien.id, 'Session 15 recap').map((n) => n.content)).toEqual(['The seneschal owes us a **boon**.\n- ask about the warehouse']);
  });

  it('turns messages sent a moment apart into one note and keeps attachments as links', async () => {
    const before = notesOf(U.bastien.id).length;
    await stack.sim.sendDM(stack.users.bastien, 'Elysium guest list');
    await stack.sim.sendDM(stack.users.bastien, 'Isabeau and her ghoul');
    await stack.sim.sendDM(stack.users.bastien, 'the Nosferatu envoy', { attachments: [{ filename: 'seating.png', data: Buffer.from('png') }] });
    const confirmation = await confirmationFor(stack.users.bastien, 'Elysium guest list');
    expect(confirmation.embeds[0]?.footer?.text).toContain('3 messages → 1 note');
    expect(notesOf(U.bastien.id)).toHaveLength(before + 1);
    const [note] = noteTitled(U.bastien.id, 'Elysium guest list');
    expect(note?.content).toMatch(/^Isabeau and her ghoul\nthe Nosferatu envoy\n\n\*\*Attachments\*\*\n- \[seating\.png\]\(http:\/\/127\.0\.0\.1:\d+\/attachments\/.+seating\.png\)$/);
  });

  it('splits a text longer than 20,000 characters into numbered notes and says so, cutting nothing', async () => {
    const paragraphs = Array.from({ length: 6 }, (_, i) => `Chapter ${i + 1}. ${'The night is long and the blood is thin. '.repeat(95)}`.trim());
    await stack.sim.sendDM(stack.users.bastien, `Chronicle draft\n${paragraphs[0]}`);
    for (const p of paragraphs.slice(1)) await stack.sim.sendDM(stack.users.bastien, p);
    const first = await confirmationFor(stack.users.bastien, 'Chronicle draft (1/2)');
    await confirmationFor(stack.users.bastien, 'Chronicle draft (2/2)');
    expect(first.content).toContain('a note holds at most 20,000');
    const parts = [...noteTitled(U.bastien.id, 'Chronicle draft (1/2)'), ...noteTitled(U.bastien.id, 'Chronicle draft (2/2)')];
    expect(parts).toHaveLength(2);
    expect(parts.every((n) => n.content.length <= 20_000)).toBe(true);
    expect(parts.map((n) => n.content).join('\n').replace(/\s+/g, ' ')).toBe(paragraphs.join('\n').replace(/\s+/g, ' '));
  });

  it('edits a note in a form prefilled with its title and content', async () => {
    await stack.sim.sendDM(stack.users.bastien, 'Haven ideas\nAn old church');
    const confirmation = await confirmationFor(stack.users.bastien, 'Haven ideas');
    const click = await stack.sim.clickButton({ user: stack.users.bastien, message: confirmation, customId: customId(confirmation, 'Edit') });
    const form = (await click.initialResponse()).data as { custom_id: string; components: Array<{ components: Array<{ custom_id: string; value: string }> }> };
    expect(form.components.map((row) => [row.components[0]?.custom_id, row.components[0]?.value])).toEqual([['title', 'Haven ideas'], ['content', 'An old church']]);
    const submit = await stack.sim.submitModal({ user: stack.users.bastien, customId: form.custom_id, message: confirmation, fields: { title: 'Haven: the church', content: 'An old church on **Halsted**' } });
    const updated = await submit.reply();
    expect(updated.content).toContain('Saved your changes');
    expect(updated.embeds[0]?.title).toBe('Haven: the church');
    expect(noteTitled(U.bastien.id, 'Haven: the church').map((n) => n.content)).toEqual(['An old church on **Halsted**']);
    expect(noteTitled(U.bastien.id, 'Haven ideas')).toHaveLength(0);
  });

  const FormSchema = z.object({
    custom_id: z.string(),
    components: z.array(z.object({ type: z.number(), content: z.string().optional(), components: z.array(z.object({ custom_id: z.string(), value: z.string() })).optional() })),
  });
  type Form = z.infer<typeof FormSchema>;
  const formValues = (form: Form) => Object.fromEntries(form.components.flatMap((row) => row.components ?? []).map((input) => [input.custom_id, input.value]));
  const openForm = async (message: SimMessage) =>
    FormSchema.parse((await (await stack.sim.clickButton({ user: stack.users.bastien, message, customId: customId(message, 'Edit') })).initialResponse()).data);

  it('keeps an edit Valentina could not save, and the next Edit opens the form with it', async () => {
    await stack.sim.sendDM(stack.users.bastien, 'Blood bank\nThree bags left');
    const confirmation = await confirmationFor(stack.users.bastien, 'Blood bank');
    const form = await openForm(confirmation);
    stack.fake.faults.inject({ method: 'PATCH', path: /\/notes\//, kind: 'status', status: 503, times: 1000 });
    let failed;
    try {
      // The bot retries the PATCH with backoff before it gives up, which a loaded machine stretches.
      const submitted = await stack.sim.submitModal({ user: stack.users.bastien, customId: form.custom_id, message: confirmation, fields: { title: 'Blood bank (Hyde Park)', content: 'Two bags left, one spoiled' } });
      failed = await submitted.reply({ timeoutMs: 20_000 });
    } finally {
      stack.fake.faults.clear();
    }
    expect(failed.ephemeral).toBe(true);
    expect(failed.content).toContain('Valentina is not answering right now');
    expect(failed.content).toContain('What you typed is kept: press **Edit** again and the form opens with it.');
    expect(noteTitled(U.bastien.id, 'Blood bank')).toHaveLength(1);

    const again = await openForm(confirmation);
    expect(formValues(again)).toEqual({ title: 'Blood bank (Hyde Park)', content: 'Two bags left, one spoiled' });
    expect(again.components[0]?.content).toContain('what you typed last time; it is not saved yet');
    const saved = await (await stack.sim.submitModal({ user: stack.users.bastien, customId: again.custom_id, message: confirmation, fields: formValues(again) })).reply();
    expect(saved.content).toContain('Saved your changes to **Blood bank (Hyde Park)**');
    expect(noteTitled(U.bastien.id, 'Blood bank (Hyde Park)').map((n) => n.content)).toEqual(['Two bags left, one spoiled']);
    const fresh = await openForm(confirmation);
    expect(fresh.components.some((c) => c.type === 10)).toBe(false);
  });

  it('hands back what was typed when the note was deleted before the edit was saved', async () => {
    await stack.sim.sendDM(stack.users.bastien, 'Prince gossip\nShe was seen at the docks');
    const confirmation = await confirmationFor(stack.users.bastien, 'Prince gossip');
    const form = await openForm(confirmation);
    noteTitled(U.bastien.id, 'Prince gossip')[0]!.archived = true;
    const answer = await (await stack.sim.submitModal({ user: stack.users.bastien, customId: form.custom_id, message: confirmation, fields: { title: 'Prince gossip', content: 'She was seen at the docks with the Sheriff' } })).reply();
    expect(answer.content).toContain('That note no longer exists in Valentina');
    expect(answer.content).toContain('Here is what you typed, to keep or to send me as a new note:\n>>> Prince gossip\nShe was seen at the docks with the Sheriff');
  });

  it('edits only the title of a note too long for a Discord form, and says why in the form', async () => {
    const content = 'The Prince keeps a ledger of every favour owed in this city. '.repeat(80).trim();
    await stack.sim.sendDM(stack.users.bastien, `Ledger of favours\n${content}`);
    const confirmation = await confirmationFor(stack.users.bastien, 'Ledger of favours');
    const click = await stack.sim.clickButton({ user: stack.users.bastien, message: confirmation, customId: customId(confirmation, 'Edit') });
    const form = (await click.initialResponse()).data as { custom_id: string; title: string; components: Array<{ type: number; content?: string; components?: Array<{ custom_id: string }> }> };
    expect(form.title).toBe('Edit title (note too long for a form)');
    expect(form.components[0]?.content).toContain(`has ${content.length.toLocaleString('en-US')} characters`);
    expect(form.components[0]?.content).toContain('edit the content in the Valentina web app');
    expect(form.components.flatMap((row) => row.components ?? []).map((input) => input.custom_id)).toEqual(['title']);
    const updated = await (await stack.sim.submitModal({ user: stack.users.bastien, customId: form.custom_id, message: confirmation, fields: { title: 'Favours owed' } })).reply();
    expect(updated.content).toContain('Saved your changes');
    expect(noteTitled(U.bastien.id, 'Favours owed').map((n) => n.content)).toEqual([content]);
  });

  it('deletes only after confirmation, and "Keep it" keeps the note', async () => {
    await stack.sim.sendDM(stack.users.bastien, 'Delete me later');
    const confirmation = await confirmationFor(stack.users.bastien, 'Delete me later');
    const question = await (await stack.sim.clickButton({ user: stack.users.bastien, message: confirmation, customId: customId(confirmation, 'Delete') })).reply();
    expect(question.content).toContain("can't be undone");
    const kept = await (await stack.sim.clickButton({ user: stack.users.bastien, message: question.message, customId: customId(question.message, 'Keep it') })).reply();
    expect(kept.content).toContain('Kept');
    expect(noteTitled(U.bastien.id, 'Delete me later')).toHaveLength(1);
    const again = await (await stack.sim.clickButton({ user: stack.users.bastien, message: kept.message, customId: customId(kept.message, 'Delete') })).reply();
    const done = await (await stack.sim.clickButton({ user: stack.users.bastien, message: again.message, customId: customId(again.message, 'Yes, delete it') })).reply();
    expect(done.content).toContain('Deleted **Delete me later**');
    expect(noteTitled(U.bastien.id, 'Delete me later')).toHaveLength(0);
  });

  it('undoes a note saved a moment ago', async () => {
    await stack.sim.sendDM(stack.users.bastien, 'Oops, wrong chat');
    const confirmation = await confirmationFor(stack.users.bastien, 'Oops, wrong chat');
    const undone = await (await stack.sim.clickButton({ user: stack.users.bastien, message: confirmation, customId: customId(confirmation, 'Undo') })).reply();
    expect(undone.content).toContain('Undone');
    expect(undone.components).toEqual([]);
    expect(noteTitled(U.bastien.id, 'Oops, wrong chat')).toHaveLength(0);
  });

  it('asks a member of two companies where notes go, saves there, and /notes company changes it', async () => {
    const { mara } = stack.users;
    await stack.sim.sendDM(mara, 'Free State meeting at midnight');
    const ask = await stack.sim.waitForMessage({ dmUserId: mara.id, timeoutMs: 10_000, predicate: (m) => m.content.includes('Where should your notes go?') });
    expect(ask.components[0]?.components?.[0]?.options?.map((o) => o.label).sort()).toEqual(['Anarch Free State', 'Chicago by Night']);
    expect(noteTitled(U.maraAnarch.id, 'Free State meeting at midnight')).toHaveLength(0);
    const picked = await (await stack.sim.selectMenu({ user: mara, message: ask, customId: ask.components[0]!.components![0]!.custom_id!, values: [anarch] })).reply();
    expect(picked.content).toContain('Your notes go to **Anarch Free State**');
    const saved = await confirmationFor(mara, 'Free State meeting at midnight');
    expect(saved.embeds[0]?.footer?.text).toContain('Anarch Free State');
    expect(noteTitled(U.maraAnarch.id, 'Free State meeting at midnight')).toHaveLength(1);
    expect(noteTitled(U.mara.id, 'Free State meeting at midnight')).toHaveLength(0);

    const menu = await (await stack.sim.slashCommand({ user: mara, command: 'notes', subcommand: 'company' })).reply();
    expect(menu.ephemeral).toBe(true);
    expect(menu.content).toContain('Your DM notes go to **Anarch Free State**');
    await (await stack.sim.selectMenu({ user: mara, message: menu.message, customId: menu.components[0]!.components![0]!.custom_id!, values: [chicago] })).reply();
    await stack.sim.sendDM(mara, 'Back in Chicago');
    await confirmationFor(mara, 'Back in Chicago');
    expect(noteTitled(U.mara.id, 'Back in Chicago')).toHaveLength(1);
  });

  it('tells a user who has not linked Valentina to run /link, and keeps nothing', async () => {
    const stranger = stack.sim.addUser({ username: 'stranger' });
    const notesBefore = stack.fake.store.notes.size;
    await stack.sim.sendDM(stranger, 'hello there, save this');
    const answer = await stack.sim.waitForMessage({ dmUserId: stranger.id, timeoutMs: 10_000 });
    expect(answer.content).toContain('/link');
    expect(answer.content).toContain('becomes one of your Valentina notes');
    expect(stack.fake.store.notes.size).toBe(notesBefore);
  });

  describe('/notes', () => {
    const inGuild = { guildId: '' };
    beforeAll(() => {
      inGuild.guildId = stack.guild.id;
    });

    it('lists your own notes, newest first, paged, and never anyone else\'s', async () => {
      const list = await (await stack.sim.slashCommand({ user: stack.users.bastien, ...inGuild, command: 'notes', subcommand: 'list' })).reply();
      expect(list.ephemeral).toBe(true);
      const own = notesOf(U.bastien.id);
      expect(list.embeds[0]?.footer?.text).toContain(`${own.length} notes`);
      expect(list.embeds[0]?.description).toContain('Gallery opening');
      expect(list.embeds[0]?.description).not.toContain('Boons owed');
      const next = list.components.flatMap((r) => r.components ?? []).find((c) => c.label === 'Next');
      if (own.length > 10) {
        const page2 = await (await stack.sim.clickButton({ user: stack.users.bastien, message: list.message, customId: next!.custom_id! })).reply();
        expect(page2.embeds[0]?.footer?.text).toContain('page 2 of');
      }
    });

    it('autocompletes note titles and views a note', async () => {
      const choices = await stack.sim.autocomplete({ user: stack.users.mara, ...inGuild, command: 'notes', subcommand: 'view', focused: 'note', options: { note: 'boon' } });
      expect(choices.map((c) => c.value)).toEqual([FIXTURE_IDS.notes.maraBoons]);
      const view = await (await stack.sim.slashCommand({ user: stack.users.mara, ...inGuild, command: 'notes', subcommand: 'view', options: { note: FIXTURE_IDS.notes.maraBoons } })).reply();
      expect(view.embeds[0]?.title).toBe('Boons owed');
      expect(view.embeds[0]?.description).toContain('minor boon');
    });

    it('views a note by part of its title typed by hand, as /quickroll run finds a quickroll', async () => {
      const view = (note: string) => stack.sim.slashCommand({ user: stack.users.mara, ...inGuild, command: 'notes', subcommand: 'view', options: { note } }).then((ix) => ix.reply());
      expect((await view('boons')).embeds[0]?.title).toBe('Boons owed');
      expect((await view('  RECAP ')).embeds[0]?.title).toBe('Session 14 recap');
      const unknown = await view('zzz');
      expect(unknown.ephemeral).toBe(true);
      expect(unknown.content).toContain('You have no note called “zzz”');
    });

    it("refuses a note of someone else even by its id", async () => {
      const view = await (await stack.sim.slashCommand({ user: stack.users.bastien, ...inGuild, command: 'notes', subcommand: 'view', options: { note: FIXTURE_IDS.notes.maraBoons } })).reply();
      expect(view.ephemeral).toBe(true);
      expect(view.content).toContain('You have no note called');
    });

    it('searches titles and content, case-insensitively', async () => {
      const found = await (await stack.sim.slashCommand({ user: stack.users.mara, ...inGuild, command: 'notes', subcommand: 'search', options: { text: 'SUCCUBUS' } })).reply();
      expect(found.embeds[0]?.description).toContain('Session 14 recap');
      expect(found.embeds[0]?.description).toContain('**Succubus**');
      expect(found.embeds[0]?.footer?.text).toMatch(/^1 match in \d+ notes/);
    });

    it('edits a note through /notes edit and deletes one through /notes delete after confirmation', async () => {
      const edit = await stack.sim.slashCommand({ user: stack.users.mara, ...inGuild, command: 'notes', subcommand: 'edit', options: { note: 'Session 14 recap' } });
      const form = (await edit.initialResponse()).data as { custom_id: string };
      const saved = await (await stack.sim.submitModal({ user: stack.users.mara, ...inGuild, customId: form.custom_id, fields: { title: 'Session 14 (recap)', content: 'Met the seneschal.' } })).reply();
      expect(saved.ephemeral).toBe(true);
      expect(saved.content).toContain('Saved your changes');
      expect(stack.fake.store.notes.get(FIXTURE_IDS.notes.maraRecap)).toMatchObject({ title: 'Session 14 (recap)', content: 'Met the seneschal.' });

      const ask = await (await stack.sim.slashCommand({ user: stack.users.mara, ...inGuild, command: 'notes', subcommand: 'delete', options: { note: FIXTURE_IDS.notes.maraBoons } })).reply();
      expect(ask.content).toContain('Delete the note **Boons owed**');
      expect(stack.fake.store.notes.get(FIXTURE_IDS.notes.maraBoons)?.archived).toBe(false);
      const done = await (await stack.sim.clickButton({ user: stack.users.mara, message: ask.message, customId: customId(ask.message, 'Yes, delete it') })).reply();
      expect(done.content).toContain('Deleted **Boons owed**');
      expect(stack.fake.store.notes.get(FIXTURE_IDS.notes.maraBoons)?.archived).toBe(true);
    });
  });
});
