import { MessageFlags } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { Responder, type ModalTarget, type UpdateTarget } from '../../src/discord/respond.js';

interface Call { method: string; options?: unknown }

/** A stand-in for a discord.js interaction that records what would have been sent to Discord. */
class FakeInteraction implements UpdateTarget, ModalTarget {
  deferred = false;
  replied = false;
  readonly calls: Call[] = [];
  /** When set, the next deferral stays in flight until `release()`. */
  holdDeferral = false;
  private release_: (() => void) | undefined;
  private deferralSeen: (() => void) | undefined;
  readonly deferralRequested = new Promise<void>((resolve) => (this.deferralSeen = resolve));

  release(): void {
    this.release_?.();
  }

  private record(method: string, options?: unknown): Promise<void> {
    this.calls.push(options === undefined ? { method } : { method, options });
    return Promise.resolve();
  }

  deferReply(options: { flags?: MessageFlags.Ephemeral }) {
    this.deferralSeen?.();
    const done = () => {
      this.deferred = true;
    };
    if (!this.holdDeferral) return this.record('deferReply', options).then(done);
    return this.record('deferReply', options).then(() => new Promise<void>((resolve) => (this.release_ = resolve))).then(done);
  }
  deferUpdate() {
    this.deferralSeen?.();
    return this.record('deferUpdate').then(() => {
      this.deferred = true;
    });
  }
  reply(options: unknown) {
    return this.record('reply', options).then(() => {
      this.replied = true;
    });
  }
  update(options: unknown) {
    return this.record('update', options).then(() => {
      this.replied = true;
    });
  }
  editReply(options: unknown) {
    return this.record('editReply', options).then(() => {
      this.replied = true;
    });
  }
  followUp(options: unknown) {
    return this.record('followUp', options);
  }
  deleteReply() {
    return this.record('deleteReply');
  }
  showModal(modal: unknown) {
    return this.record('showModal', modal).then(() => {
      this.replied = true;
    });
  }
}

const FORM = { modal: { custom_id: 'note-save', title: 'Edit note', components: [] }, late: 'Opening the edit form took too long. Press **Edit** again.' };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('responder', () => {
  it('answers a quick handler with one reply and never defers', async () => {
    const interaction = new FakeInteraction();
    const responder = new Responder(interaction, { deferAs: 'ephemeral', deferAfterMs: 30 }).arm();
    await responder.reply({ content: 'Pong!' });
    await sleep(60); // past the point where a deferral would have gone out
    responder.dispose();
    expect(interaction.calls).toEqual([{ method: 'reply', options: { content: 'Pong!', flags: MessageFlags.Ephemeral } }]);
    expect(responder.deferred).toBe(false);
  });

  it('defers a slow handler ephemerally, then edits the deferred reply', async () => {
    const interaction = new FakeInteraction();
    const responder = new Responder(interaction, { deferAs: 'ephemeral', deferAfterMs: 20 }).arm();
    await interaction.deferralRequested; // the handler is still "working"
    await responder.reply({ content: 'Granted 3 XP.' });
    responder.dispose();
    expect(interaction.calls).toEqual([
      { method: 'deferReply', options: { flags: MessageFlags.Ephemeral } },
      { method: 'editReply', options: { content: 'Granted 3 XP.' } },
    ]);
    expect(responder.deferred).toBe(true);
  });

  it('defers a public command publicly', async () => {
    const interaction = new FakeInteraction();
    const responder = new Responder(interaction, { deferAs: 'public', deferAfterMs: 10 }).arm();
    await interaction.deferralRequested;
    await responder.reply({ content: 'Rolled 4 successes.' });
    expect(interaction.calls.map((c) => c.method)).toEqual(['deferReply', 'editReply']);
    expect(interaction.calls[0]?.options).toEqual({});
  });

  it('replaces a public "thinking…" with a private note when the answer must be ephemeral', async () => {
    const interaction = new FakeInteraction();
    const responder = new Responder(interaction, { deferAs: 'public', deferAfterMs: 10 }).arm();
    await interaction.deferralRequested;
    await responder.reply({ content: 'Valentina refused: no rights', ephemeral: true });
    expect(interaction.calls).toEqual([
      { method: 'deferReply', options: {} },
      { method: 'deleteReply' },
      { method: 'followUp', options: { content: 'Valentina refused: no rights', flags: MessageFlags.Ephemeral } },
    ]);
  });

  it('waits for a deferral in flight instead of acknowledging twice', async () => {
    const interaction = new FakeInteraction();
    interaction.holdDeferral = true;
    const responder = new Responder(interaction, { deferAs: 'ephemeral', deferAfterMs: 10_000 });
    responder.defer();
    const answered = responder.reply({ content: 'Done' });
    await sleep(10);
    expect(interaction.calls.map((c) => c.method)).toEqual(['deferReply']);
    interaction.release();
    await answered;
    expect(interaction.calls.map((c) => c.method)).toEqual(['deferReply', 'editReply']);
  });

  it('updates a component’s message directly, or after a silent deferral', async () => {
    const quick = new FakeInteraction();
    const quickResponder = new Responder(quick, { deferAs: 'update', deferAfterMs: 30 }).arm();
    await quickResponder.respond({ update: { content: 'Page 2' } });
    quickResponder.dispose();
    expect(quick.calls).toEqual([{ method: 'update', options: { content: 'Page 2' } }]);

    const slow = new FakeInteraction();
    const slowResponder = new Responder(slow, { deferAs: 'update', deferAfterMs: 10 }).arm();
    await slow.deferralRequested;
    await slowResponder.respond({ update: { content: 'Page 2' } });
    expect(slow.calls).toEqual([{ method: 'deferUpdate' }, { method: 'editReply', options: { content: 'Page 2' } }]);
  });

  it('sends a component’s error as a new ephemeral message, leaving the original alone', async () => {
    const interaction = new FakeInteraction();
    const responder = new Responder(interaction, { deferAs: 'update', deferAfterMs: 10 }).arm();
    await interaction.deferralRequested;
    await responder.respond({ reply: { content: 'This button has expired — run the command again.', ephemeral: true } });
    expect(interaction.calls.map((c) => c.method)).toEqual(['deferUpdate', 'followUp']);
    expect(interaction.calls[1]?.options).toMatchObject({ flags: MessageFlags.Ephemeral });
  });

  it('opens a form as the only response to a quick handler', async () => {
    const interaction = new FakeInteraction();
    const responder = new Responder(interaction, { deferAs: 'update', deferAfterMs: 30 }).arm();
    await responder.respond(FORM);
    await sleep(60); // past the point where a deferral would have gone out
    responder.dispose();
    expect(interaction.calls).toEqual([{ method: 'showModal', options: FORM.modal }]);
  });

  it('tells the user how to reopen a form that can no longer be shown after a deferral', async () => {
    const command = new FakeInteraction();
    const commandResponder = new Responder(command, { deferAs: 'ephemeral', deferAfterMs: 10 }).arm();
    await command.deferralRequested;
    await commandResponder.answer(FORM);
    expect(command.calls).toEqual([
      { method: 'deferReply', options: { flags: MessageFlags.Ephemeral } },
      { method: 'editReply', options: { content: FORM.late } },
    ]);

    const button = new FakeInteraction();
    const buttonResponder = new Responder(button, { deferAs: 'update', deferAfterMs: 10 }).arm();
    await button.deferralRequested;
    await buttonResponder.respond(FORM);
    expect(button.calls).toEqual([{ method: 'deferUpdate' }, { method: 'followUp', options: { content: FORM.late, flags: MessageFlags.Ephemeral } }]);
  });

  it('sends a second answer as a follow-up', async () => {
    const interaction = new FakeInteraction();
    const responder = new Responder(interaction, { deferAs: 'ephemeral', deferAfterMs: 1_000 }).arm();
    await responder.reply({ content: 'first' });
    await responder.reply({ content: 'second' });
    responder.dispose();
    expect(interaction.calls.map((c) => c.method)).toEqual(['reply', 'followUp']);
  });

  it('gives a last word in place of an answer still to come, and drops the answer when it arrives', async () => {
    const interaction = new FakeInteraction();
    const responder = new Responder(interaction, { deferAs: 'public', deferAfterMs: 10 }).arm();
    await interaction.deferralRequested;
    expect(await responder.last({ content: 'The bot restarted.', ephemeral: true })).toBe(true);
    await responder.reply({ content: 'Done, late.' });
    responder.dispose();
    expect(interaction.calls).toEqual([
      { method: 'deferReply', options: {} },
      { method: 'deleteReply' },
      { method: 'followUp', options: { content: 'The bot restarted.', flags: MessageFlags.Ephemeral } },
    ]);
  });

  it('sends no last word after the answer went out, even when both are sent at once', async () => {
    const interaction = new FakeInteraction();
    const responder = new Responder(interaction, { deferAs: 'ephemeral', deferAfterMs: 1_000 }).arm();
    const [, lastSent] = await Promise.all([responder.reply({ content: 'Done.' }), responder.last({ content: 'The bot restarted.' })]);
    responder.dispose();
    expect(lastSent).toBe(false);
    expect(interaction.calls).toEqual([{ method: 'reply', options: { content: 'Done.', flags: MessageFlags.Ephemeral } }]);
  });
});
