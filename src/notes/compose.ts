/**
 * Turning DMs into Valentina notes (pure). The first line of the first message is the title, the
 * rest the markdown content; a one-line message is both. Messages of one burst are joined by line
 * breaks, attachments are listed as links at the end. Content longer than
 * {@link NOTE_LIMITS.contentMax} is split into numbered notes at paragraph, line or word boundaries,
 * never cut.
 */
import { z } from 'zod';
import { NOTE_LIMITS, formatCount } from './settings.js';

export const AttachmentSchema = z.object({ name: z.string().max(1024), url: z.string().url() });
export type Attachment = z.infer<typeof AttachmentSchema>;

export const DraftSchema = z.object({
  title: z.string().min(NOTE_LIMITS.titleMin).max(NOTE_LIMITS.titleMax),
  content: z.string().min(NOTE_LIMITS.contentMin).max(NOTE_LIMITS.contentMax),
});
export type Draft = z.infer<typeof DraftSchema>;

export interface MessagePart {
  text: string;
  attachments: Attachment[];
}

export type Composed = { ok: true; drafts: Draft[]; totalChars: number } | { ok: false; reason: string };

const { titleMin, titleMax, contentMin, contentMax } = NOTE_LIMITS;

/** `at`, moved back by one when it would fall between the two halves of an emoji or other astral character. */
function safeCut(text: string, at: number): number {
  const before = text.charCodeAt(at - 1);
  return at > 0 && at < text.length && before >= 0xd800 && before <= 0xdbff ? at - 1 : at;
}

/** Cuts `text` to `max` characters with an ellipsis, on a word boundary when one is close. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, safeCut(text, max - 1));
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** A title within Valentina's 3–50 characters: headings and emphasis markers dropped, too short padded. */
export function makeTitle(line: string, now: Date): string {
  const plain = line
    .replace(/^#{1,6}\s+/, '')
    .replace(/^[-*>]\s+/, '')
    .replace(/[*_~`]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (plain.length === 0) return `Note of ${now.toISOString().slice(0, 10)}`;
  if (plain.length < titleMin) return `Note: ${plain}`;
  return clip(plain, titleMax);
}

/** A title with a "(2/3)" suffix that still fits 50 characters. */
export function numberedTitle(title: string, index: number, total: number): string {
  if (total === 1) return title;
  const suffix = ` (${index + 1}/${total})`;
  return `${clip(title, titleMax - suffix.length)}${suffix}`;
}

/** Splits `text` into chunks of at most `max` characters, of similar size, at the best boundary near each cut. */
export function splitContent(text: string, max: number = contentMax): string[] {
  if (text.length <= max) return [text];
  const count = Math.ceil(text.length / max);
  const target = Math.ceil(text.length / count);
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, Math.min(max, target + Math.floor(target * 0.1)));
    const floor = Math.floor(target * 0.7);
    let cut = -1;
    for (const boundary of ['\n\n', '\n', ' ']) {
      const at = window.lastIndexOf(boundary);
      if (at >= floor) {
        cut = at + boundary.length;
        break;
      }
    }
    if (cut <= 0) cut = safeCut(rest, window.length);
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0) chunks.push(rest);
  return chunks;
}

function attachmentBlock(attachments: readonly Attachment[]): string {
  if (attachments.length === 0) return '';
  const links = attachments.map((a) => `- [${a.name.replace(/[[\]]/g, '') || 'file'}](${a.url})`).join('\n');
  return `**Attachments**\n${links}`;
}

/** Composes the note(s) of one burst of messages. */
export function composeNotes(parts: readonly MessagePart[], now: Date = new Date()): Composed {
  const text = parts
    .map((p) => p.text.replace(/\r\n/g, '\n').trim())
    .filter((t) => t.length > 0)
    .join('\n');
  const attachments = parts.flatMap((p) => p.attachments);
  const [firstLine = '', ...restLines] = text.split('\n');
  const rest = restLines.join('\n').trim();
  let body = rest.length >= contentMin ? rest : text;
  const files = attachmentBlock(attachments);
  if (files) body = body ? `${body}\n\n${files}` : files;
  if (body.trim().length < contentMin) {
    return {
      ok: false,
      reason: `A note needs at least ${contentMin} characters of text (Valentina's minimum). Write a little more and send it again.`,
    };
  }
  const baseTitle = firstLine.trim() ? makeTitle(firstLine, now) : attachments[0] ? makeTitle(`File: ${attachments[0].name}`, now) : makeTitle('', now);
  const chunks = splitContent(body, contentMax);
  const drafts = chunks.map((content, index) => ({ title: numberedTitle(baseTitle, index, chunks.length), content }));
  return { ok: true, drafts, totalChars: body.length };
}

/** The sentence that explains a split, with the exact limit. */
export function splitNotice(totalChars: number, notes: number): string {
  return `Your text has ${formatCount(totalChars)} characters and a note holds at most ${formatCount(contentMax)}, so I saved it as ${notes} notes, split at paragraph breaks — nothing was cut.`;
}
