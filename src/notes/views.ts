/** `/notes list`, `/notes search` and picking a note from a command option. */
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIComponentInMessageActionRow, type APIEmbed } from 'discord.js';
import { matchChoices } from '../cache/cached-json.js';
import { UserError } from '../discord/errors.js';
import type { BotDeps, Choices, ReplyMessage } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import { loadNotes, noteIndex, type NoteIndexEntry } from './cache.js';
import { clip } from './compose.js';
import { NOTE_COLOR } from './confirm.js';
import { noteOpenId, notePageId } from './ids.js';
import { formatCount } from './settings.js';

export const PAGE_SIZE = 10;
const SEARCH_LIMIT = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const day = (iso: string) => iso.slice(0, 10);

type Row = APIActionRowComponent<APIComponentInMessageActionRow>;

/** One page of the user's notes, newest first, with Previous/Next and a menu to open one. */
export async function listPage(deps: BotDeps, actor: Actor, page: number, fresh = false): Promise<ReplyMessage> {
  const notes = fresh ? (await loadNotes(deps, actor)).map((n) => ({ id: n.id, title: n.title, date_created: n.date_created, size: n.content.length })) : await noteIndex(deps, actor);
  const pages = Math.max(1, Math.ceil(notes.length / PAGE_SIZE));
  const current = Math.min(Math.max(page, 0), pages - 1);
  const shown = notes.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);
  const embed: APIEmbed = {
    color: NOTE_COLOR,
    title: `Your notes in ${actor.companyName}`.slice(0, 256),
    description:
      shown.map((n, i) => `${current * PAGE_SIZE + i + 1}. **${n.title}** — ${day(n.date_created)} · ${formatCount(n.size)} chars`).join('\n') ||
      'No notes yet. Send me a DM and it becomes a note.',
    footer: { text: `${notes.length} note${notes.length === 1 ? '' : 's'} · page ${current + 1} of ${pages}` },
  };
  const components: Row[] = [];
  if (shown.length > 0) {
    components.push({
      type: ComponentType.ActionRow,
      components: [{
        type: ComponentType.StringSelect,
        custom_id: noteOpenId.encode({ c: actor.companyId }),
        placeholder: 'Open a note',
        options: shown.map((n) => ({ label: clip(n.title, 100), value: n.id, description: day(n.date_created) })),
      }],
    });
  }
  if (pages > 1) {
    components.push({
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, custom_id: notePageId.encode({ c: actor.companyId, p: Math.max(current - 1, 0) }), label: 'Previous', style: ButtonStyle.Secondary, disabled: current === 0 },
        { type: ComponentType.Button, custom_id: notePageId.encode({ c: actor.companyId, p: Math.min(current + 1, pages - 1) }), label: 'Next', style: ButtonStyle.Secondary, disabled: current === pages - 1 },
      ],
    });
  }
  return { content: '', embeds: [embed], components };
}

/** A window of `text` around the first match, with the match in bold. */
export function snippet(text: string, at: number, length: number, radius = 60): string {
  const start = Math.max(0, at - radius);
  const end = Math.min(text.length, at + length + radius);
  const clean = (s: string) => s.replace(/\s+/g, ' ').replace(/[*_~`|]/g, '');
  const match = clean(text.slice(at, at + length));
  // A match made only of markdown markers (a search for "**") has nothing left to show in bold.
  return `${start > 0 ? '…' : ''}${clean(text.slice(start, at))}${match ? `**${match}**` : ''}${clean(text.slice(at + length, end))}${end < text.length ? '…' : ''}`;
}

/** Notes whose title or content contains `text` (case-insensitive), newest first. */
export async function searchNotes(deps: BotDeps, actor: Actor, text: string): Promise<ReplyMessage> {
  const needle = text.trim().toLocaleLowerCase();
  if (needle.length < 2) throw new UserError('Search for at least 2 characters.');
  const notes = await loadNotes(deps, actor);
  const hits = notes.flatMap((n) => {
    const inTitle = n.title.toLocaleLowerCase().indexOf(needle);
    const inContent = n.content.toLocaleLowerCase().indexOf(needle);
    if (inTitle < 0 && inContent < 0) return [];
    return [{ note: n, line: inContent >= 0 ? snippet(n.content, inContent, needle.length) : '*(title match)*' }];
  });
  const shown = hits.slice(0, SEARCH_LIMIT);
  const embed: APIEmbed = {
    color: NOTE_COLOR,
    title: `Notes with “${clip(text.trim(), 60)}”`,
    description: shown.map(({ note, line }) => `**${note.title}** — ${day(note.date_created)}\n${line}`).join('\n\n').slice(0, 4000) || 'No note contains that. Try another word.',
    footer: { text: `${hits.length} match${hits.length === 1 ? '' : 'es'} in ${notes.length} note${notes.length === 1 ? '' : 's'}${hits.length > shown.length ? ` · showing the newest ${shown.length}` : ''}` },
  };
  const components: Row[] = shown.length > 0
    ? [{
        type: ComponentType.ActionRow,
        components: [{
          type: ComponentType.StringSelect,
          custom_id: noteOpenId.encode({ c: actor.companyId }),
          placeholder: 'Open a note',
          options: shown.map(({ note }) => ({ label: clip(note.title, 100), value: note.id, description: day(note.date_created) })),
        }],
      }]
    : [];
  return { embeds: [embed], components };
}

/** Autocomplete choices from the cached title index: name "Title · 2026-07-12", value the note id. */
export function noteChoices(index: readonly NoteIndexEntry[], query: string): Choices {
  return matchChoices(index.map((n) => ({ ...n, name: n.title })), query, 25).map((n) => ({ name: clip(`${n.title} · ${day(n.date_created)}`, 100), value: n.id }));
}

/** The note an option names: an id from autocomplete, or a title typed by hand. */
export async function pickNote(deps: BotDeps, actor: Actor, value: string): Promise<NoteIndexEntry> {
  const wanted = value.trim();
  let index = await noteIndex(deps, actor);
  const find = () => {
    if (UUID.test(wanted)) return index.find((n) => n.id === wanted.toLowerCase());
    const exact = index.filter((n) => n.title.toLocaleLowerCase() === wanted.toLocaleLowerCase());
    if (exact.length >= 1) return exact[0];
    const partial = matchChoices(index.map((n) => ({ ...n, name: n.title })), wanted, 2);
    return partial.length === 1 ? partial[0] : undefined;
  };
  let found = find();
  if (!found) {
    index = (await loadNotes(deps, actor)).map((n) => ({ id: n.id, title: n.title, date_created: n.date_created, size: n.content.length }));
    found = find();
  }
  if (!found) throw new UserError(`You have no note called “${clip(wanted, 60)}”. Pick one from the list that appears as you type, or run \`/notes list\`.`);
  return found;
}
