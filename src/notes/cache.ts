/**
 * Short caches for notes: the list of a user's note titles (autocomplete, `/notes list`) and the
 * bodies of notes the bot just saved or showed (so the edit form opens at once). Keys include the
 * company and the owner, so one user's cache never answers for another.
 *
 *   notes:index:<company>:<user>          [{id, title, date_created, size}] newest first, 60 s
 *   notes:body:<company>:<user>:<note>    {id, title, content, date_created, date_modified}, 10 min
 */
import type { NoteBody, NoteIndexEntry } from '../cache/notes.js';
import type { BotDeps } from '../discord/types.js';
import type { Actor } from '../identity/resolver.js';
import type { Note } from '../valentina/index.js';

export { BODY_TTL_SECONDS, INDEX_TTL_SECONDS, type NoteBody, type NoteIndexEntry } from '../cache/notes.js';

type Owner = Pick<Actor, 'companyId' | 'userId'>;
const indexKey = (deps: BotDeps, o: Owner) => deps.keys.notes.index(o);
const bodyKey = (deps: BotDeps, o: Owner, noteId: string) => deps.keys.notes.body(o, noteId);

export const newestFirst = <T extends { date_created: string }>(notes: T[]): T[] => notes.sort((a, b) => b.date_created.localeCompare(a.date_created));

/** All of the user's notes, straight from Valentina (N1), newest first; refreshes the title index. */
export async function loadNotes(deps: BotDeps, owner: Owner): Promise<Note[]> {
  const notes = newestFirst(await deps.valentina.notes.listAll(owner.companyId, owner.userId, { onBehalfOf: owner.userId }));
  await deps.noteCaches.index.set(indexKey(deps, owner), notes.map((n) => ({ id: n.id, title: n.title, date_created: n.date_created, size: n.content.length })));
  return notes;
}

/** The user's note titles, newest first (cached). */
export function noteIndex(deps: BotDeps, owner: Owner): Promise<NoteIndexEntry[]> {
  return deps.noteCaches.index.get(indexKey(deps, owner), async () =>
    (await loadNotes(deps, owner)).map((n) => ({ id: n.id, title: n.title, date_created: n.date_created, size: n.content.length })),
  );
}

/** The title index without loading (autocomplete answers from it). */
export function peekNoteIndex(deps: BotDeps, owner: Owner): Promise<NoteIndexEntry[] | undefined> {
  return deps.noteCaches.index.peek(indexKey(deps, owner));
}

export function forgetNoteIndex(deps: BotDeps, owner: Owner): Promise<void> {
  return deps.noteCaches.index.invalidate(indexKey(deps, owner));
}

export async function rememberNote(deps: BotDeps, owner: Owner, note: NoteBody): Promise<void> {
  await deps.noteCaches.body.set(bodyKey(deps, owner, note.id), {
    id: note.id, title: note.title, content: note.content, date_created: note.date_created, date_modified: note.date_modified,
  });
}

export function forgetNote(deps: BotDeps, owner: Owner, noteId: string): Promise<void> {
  return deps.noteCaches.body.invalidate(bodyKey(deps, owner, noteId));
}

/** One of the user's notes: from the body cache, else N2 (a note of someone else is "not found"). */
export async function ownNote(deps: BotDeps, owner: Owner, noteId: string, options: { deadline?: number; fresh?: boolean } = {}): Promise<NoteBody> {
  const cached = options.fresh ? undefined : await deps.noteCaches.body.peek(bodyKey(deps, owner, noteId));
  if (cached) return cached;
  const note = await deps.valentina.notes.get(owner.companyId, owner.userId, noteId, {
    onBehalfOf: owner.userId,
    ...(options.deadline !== undefined ? { deadline: options.deadline } : {}),
  });
  await rememberNote(deps, owner, note);
  return note;
}

/** After any write through the bot. */
export async function afterWrite(deps: BotDeps, owner: Owner, note: NoteBody | { id: string; deleted: true }): Promise<void> {
  await forgetNoteIndex(deps, owner);
  if ('deleted' in note) await forgetNote(deps, owner, note.id);
  else await rememberNote(deps, owner, note);
}
