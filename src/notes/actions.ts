/**
 * What the note buttons, menus and the edit form do. Every call acts on the clicking user's own
 * notes (their user id in the path, see actor.ts), in the company the note belongs to.
 */
import { ButtonStyle, ComponentType, TextInputStyle, type APIModalInteractionResponseCallbackData, type ModalSubmitInteraction } from 'discord.js';
import { ErrorWithNote, UserError } from '../discord/errors.js';
import type { BotDeps, ComponentReply, ModalAnswer, ReplyMessage } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { ValentinaError, ValentinaNotFoundError, ValentinaValidationError } from '../valentina/index.js';
import { afterWrite, ownNote, type NoteBody } from './cache.js';
import { clip } from './compose.js';
import { noteViewMessage } from './confirm.js';
import { dropDraft, keepDraft, keptDraft, type NoteDraft } from './drafts.js';
import { MODAL_FIELDS, noteDeleteYesId, noteKeepId, noteSaveId } from './ids.js';
import { MODAL_CONTENT_MAX, NOTE_LIMITS, formatCount } from './settings.js';

const GONE_MESSAGE = 'That note no longer exists in Valentina (it was deleted, here or in the web app).';

/** The note was deleted, here or in the web app. */
class NoteGoneError extends UserError {
  constructor() {
    super(GONE_MESSAGE);
  }
}

/** How much of a form's text is handed back in a message when there is no note left to keep it for. */
const HANDED_BACK_MAX = 1_600;
/** The edit form must be shown before the router's automatic deferral (1.25 s): load the note within this. */
const FORM_BUDGET_MS = 900;

/** Turns "not found" into the sentence a user understands. */
async function onOwnNote<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ValentinaNotFoundError) throw new NoteGoneError();
    throw error;
  }
}

const tooLongForForm = (chars: number) =>
  `This note's content has ${formatCount(chars)} characters — more than the ${formatCount(MODAL_CONTENT_MAX)} a Discord form holds — so only the title can be changed here; edit the content in the Valentina web app.`;

const RESTORED = 'This is what you typed last time; it is not saved yet. Press **Submit** to save it.';

/** The edit form, prefilled with the note — or with the draft the person could not save last time. */
export function editForm(note: NoteBody, companyId: string, draft?: NoteDraft): APIModalInteractionResponseCallbackData {
  const withContent = note.content.length <= MODAL_CONTENT_MAX;
  const title = draft?.title ?? note.title;
  const content = draft?.content ?? note.content;
  const input = (customId: string, label: string, style: TextInputStyle, value: string, min: number, max: number) => ({
    type: ComponentType.ActionRow as const,
    components: [{ type: ComponentType.TextInput as const, custom_id: customId, label, style, value, min_length: min, max_length: max, required: true }],
  });
  return {
    custom_id: noteSaveId.encode({ c: companyId, n: note.id, f: withContent }),
    title: withContent ? 'Edit note' : `Edit title (note too long for a form)`,
    components: [
      ...(draft ? [{ type: ComponentType.TextDisplay as const, content: RESTORED }] : []),
      ...(withContent ? [] : [{ type: ComponentType.TextDisplay as const, content: tooLongForForm(note.content.length) }]),
      input(MODAL_FIELDS.title, 'Title (3–50 characters)', TextInputStyle.Short, title, NOTE_LIMITS.titleMin, NOTE_LIMITS.titleMax),
      ...(withContent ? [input(MODAL_FIELDS.content, 'Content (markdown)', TextInputStyle.Paragraph, content.slice(0, MODAL_CONTENT_MAX), NOTE_LIMITS.contentMin, MODAL_CONTENT_MAX)] : []),
    ],
  };
}

/**
 * The edit form, prefilled with the note or with the edit that could not be saved last time. A note
 * whose content is too long for a form is edited title-only, and the form says so.
 */
export async function openEditForm(deps: BotDeps, actor: Actor, noteId: string, again: string): Promise<ModalAnswer> {
  let note: NoteBody;
  let draft: NoteDraft | undefined;
  try {
    [note, draft] = await Promise.all([
      onOwnNote(() => ownNote(deps, actor, noteId, { deadline: Date.now() + FORM_BUDGET_MS })),
      keptDraft(deps, actor.discordUserId, noteId),
    ]);
  } catch (error) {
    if (error instanceof ValentinaError && error.retryable) throw new UserError('Valentina is slow to answer right now, so the edit form could not open. Try again in a moment.');
    throw error;
  }
  return { modal: editForm(note, actor.companyId, draft), late: `Opening the edit form took too long. ${again}` };
}

/**
 * The edit form was submitted: save the change (PATCH) and show the note as it is now. When it cannot
 * be saved, what the person typed is kept (drafts.ts) and the next **Edit** opens the form with it.
 */
export async function submitEdit(interaction: ModalSubmitInteraction, deps: BotDeps, actor: Actor, noteId: string, withContent: boolean): Promise<ComponentReply> {
  const title = interaction.fields.getTextInputValue(MODAL_FIELDS.title).trim();
  const content = withContent ? interaction.fields.getTextInputValue(MODAL_FIELDS.content).trim() : undefined;
  let saved: NoteBody;
  try {
    saved = await saveEdit(interaction.id, deps, actor, noteId, title, content);
  } catch (error) {
    if (error instanceof NoteGoneError) throw new ErrorWithNote(error, handBack(title, content));
    // Where even Redis fails, the text goes back in the answer instead.
    const kept = await keepDraft(deps, actor.discordUserId, noteId, { title, ...(content !== undefined ? { content } : {}) }).then(() => true, () => false);
    if (!kept) throw new ErrorWithNote(error, handBack(title, content));
    const again = interaction.isFromMessage() ? 'press **Edit** again' : 'run `/notes edit` again';
    throw new ErrorWithNote(error, `What you typed is kept: ${again} and the form opens with it.`);
  }
  await dropDraft(deps, actor.discordUserId, noteId);
  await afterWrite(deps, actor, saved);
  const view = noteViewMessage(saved, actor.companyId, actor.companyName);
  const answer = { ...view, content: `✅ Saved your changes to **${saved.title}**.` };
  return interaction.isFromMessage() ? { update: answer } : { reply: { ...answer, ephemeral: true } };
}

/** What the person typed, quoted back to them when there is nowhere to keep it (the note is gone, or Redis is). */
function handBack(title: string, content: string | undefined): string {
  const text = content === undefined ? title : `${title}\n${content}`;
  const shown = text.length > HANDED_BACK_MAX ? `${clip(text, HANDED_BACK_MAX)}\n(the first ${formatCount(HANDED_BACK_MAX)} characters)` : text;
  return `Here is what you typed, to keep or to send me as a new note:\n>>> ${shown}`;
}

async function saveEdit(interactionId: string, deps: BotDeps, actor: Actor, noteId: string, title: string, content: string | undefined): Promise<NoteBody> {
  if (title.length < NOTE_LIMITS.titleMin || title.length > NOTE_LIMITS.titleMax) throw new UserError(`A title must be ${NOTE_LIMITS.titleMin}–${NOTE_LIMITS.titleMax} characters long (yours has ${title.length}).`);
  if (content !== undefined && content.length < NOTE_LIMITS.contentMin) throw new UserError(`A note needs at least ${NOTE_LIMITS.contentMin} characters of content.`);
  return onOwnNote(async () => {
    try {
      return await deps.valentina.notes.update(actor.companyId, actor.userId, noteId, { title, ...(content !== undefined ? { content } : {}) }, {
        onBehalfOf: actor.userId,
        idempotencyKey: `${interactionId}:note-edit`,
      });
    } catch (error) {
      if (error instanceof ValentinaValidationError) throw new UserError(`Valentina refused the change: ${error.detail}`);
      throw error;
    }
  });
}

/** The question before deleting, with the two answers. */
export function deleteQuestion(note: { id: string; title: string }, companyId: string): ReplyMessage {
  return {
    content: `Delete the note **${note.title}** from Valentina? This can't be undone.`,
    embeds: [],
    components: [{
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, custom_id: noteDeleteYesId.encode({ c: companyId, n: note.id }), label: 'Yes, delete it', style: ButtonStyle.Danger },
        { type: ComponentType.Button, custom_id: noteKeepId.encode({ c: companyId, n: note.id }), label: 'Keep it', style: ButtonStyle.Secondary },
      ],
    }],
  };
}

export async function askDelete(deps: BotDeps, actor: Actor, noteId: string): Promise<ReplyMessage> {
  const note = await onOwnNote(() => ownNote(deps, actor, noteId));
  return deleteQuestion(note, actor.companyId);
}

/** Deletes (archives) one of the actor's own notes. */
export async function deleteNote(deps: BotDeps, actor: Actor, noteId: string, done: (title: string) => string): Promise<ComponentReply> {
  const note = await onOwnNote(() => ownNote(deps, actor, noteId));
  await onOwnNote(() => deps.valentina.notes.delete(actor.companyId, actor.userId, noteId, { onBehalfOf: actor.userId }));
  await afterWrite(deps, actor, { id: noteId, deleted: true });
  return { update: { content: done(clip(note.title, 60)), embeds: [], components: [] } };
}

/** The note again, after "Keep it". */
export async function showNote(deps: BotDeps, actor: Actor, noteId: string, content = '', fresh = false): Promise<ReplyMessage> {
  const note = await onOwnNote(() => ownNote(deps, actor, noteId, { fresh }));
  return { ...noteViewMessage(note, actor.companyId, actor.companyName), content };
}
