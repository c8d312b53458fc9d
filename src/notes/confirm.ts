/**
 * What the user sees of one note: the compact confirmation after saving (with Edit, Delete and Undo)
 * and the note view of `/notes view` (Edit, Delete). Built as plain Discord JSON, so the same message
 * can be posted by the delivery queue or returned from an interaction.
 */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed } from 'discord.js';
import { noteDeleteId, noteEditId, noteUndoId } from './ids.js';
import { clip } from './compose.js';
import { UNDO_SECONDS, formatCount, formatSeconds } from './settings.js';

export const NOTE_COLOR = 0x3ba55d;
const PREVIEW_CHARS = 700;

export interface NoteLike {
  id: string;
  title: string;
  content: string;
}

export interface DiscordMessageJson {
  content?: string;
  embeds: APIEmbed[];
  components: Array<APIActionRowComponent<APIButtonComponent>>;
}

export interface ConfirmationContext {
  companyId: string;
  companyName: string;
  /** Epoch ms of the save: Undo works for UNDO_SECONDS after it. */
  savedAt: number;
  /** How many DMs became this note. */
  messages: number;
  quietMs: number;
  /** Saved after Valentina was unavailable. */
  wasPending?: boolean;
  /** Text above the embed (e.g. why a long text became several notes). */
  notice?: string;
}

const button = (customId: string, label: string, style: ButtonStyle, emoji?: string): APIButtonComponent => ({
  type: ComponentType.Button,
  custom_id: customId,
  label,
  style: style as ButtonStyle.Primary,
  ...(emoji ? { emoji: { name: emoji } } : {}),
});

export function preview(content: string, max = PREVIEW_CHARS): string {
  if (content.length <= max) return content;
  return `${clip(content, max)}\n*(+${formatCount(content.length - max)} more characters)*`;
}

export function confirmationButtons(note: NoteLike, companyId: string, savedAt: number, withUndo = true): APIActionRowComponent<APIButtonComponent> {
  const components = [
    button(noteEditId.encode({ c: companyId, n: note.id }), 'Edit', ButtonStyle.Primary, '✏️'),
    button(noteDeleteId.encode({ c: companyId, n: note.id }), 'Delete', ButtonStyle.Danger, '🗑️'),
  ];
  if (withUndo) components.push(button(noteUndoId.encode({ c: companyId, n: note.id, t: Math.floor(savedAt / 1000) }), 'Undo', ButtonStyle.Secondary, '↩️'));
  return { type: ComponentType.ActionRow, components };
}

/** The confirmation after a note was saved. */
export function confirmationMessage(note: NoteLike, ctx: ConfirmationContext): DiscordMessageJson {
  const combined = ctx.messages > 1 ? `${ctx.messages} messages → 1 note · ` : '';
  const undoUntil = Math.floor(ctx.savedAt / 1000) + UNDO_SECONDS;
  const embed: APIEmbed = {
    color: NOTE_COLOR,
    title: `📝 ${note.title}`,
    description: preview(note.content),
    footer: {
      text: `${ctx.companyName} · ${combined}Messages sent less than ${formatSeconds(ctx.quietMs)} apart become one note`.slice(0, 2048),
    },
  };
  const lead = ctx.wasPending ? 'Your pending note is **saved in Valentina** now.' : 'Saved in Valentina.';
  const content = [ctx.notice, `${lead} Undo works until <t:${undoUntil}:T>.`].filter(Boolean).join('\n');
  return { content, embeds: [embed], components: [confirmationButtons(note, ctx.companyId, ctx.savedAt)] };
}

/** A note shown in full (as far as an embed allows), with Edit and Delete. */
export function noteViewMessage(note: NoteLike & { date_created: string; date_modified: string }, companyId: string, companyName: string): DiscordMessageJson {
  const embed: APIEmbed = {
    color: NOTE_COLOR,
    title: note.title,
    description: preview(note.content, 3_800),
    footer: { text: `${companyName} · created ${note.date_created.slice(0, 10)} · ${formatCount(note.content.length)} characters` },
    timestamp: note.date_modified,
  };
  return { embeds: [embed], components: [confirmationButtons(note, companyId, 0, false)] };
}
