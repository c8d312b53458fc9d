import type { PageQuery } from '../pagination.js';
import { NoteSchema, pageSchema, type Note, type Page } from '../schemas.js';
import type { ActingOptions } from '../options.js';
import { Service, withPage } from './base.js';

const NotePage = pageSchema(NoteSchema);

/** User notes (N1–N5). The API checks no ownership: callers must only touch the acting user's own notes. */
export class NotesService extends Service {
  page(companyId: string, userId: string, query?: PageQuery, options?: ActingOptions): Promise<Page<Note>> {
    return this.call({ method: 'GET', template: '/companies/{cid}/users/{uid}/notes', params: { cid: companyId, uid: userId }, query: withPage(query), onBehalfOf: options?.onBehalfOf, schema: NotePage, options });
  }
  listAll(companyId: string, userId: string, options?: ActingOptions): Promise<Note[]> {
    return this.pages((p) => this.page(companyId, userId, p, options)).all();
  }
  iterate(companyId: string, userId: string, options?: ActingOptions) {
    return this.pages((p) => this.page(companyId, userId, p, options)).iterate();
  }
  get(companyId: string, userId: string, noteId: string, options?: ActingOptions) {
    return this.call({ method: 'GET', template: '/companies/{cid}/users/{uid}/notes/{note_id}', params: { cid: companyId, uid: userId, note_id: noteId }, onBehalfOf: options?.onBehalfOf, schema: NoteSchema, options });
  }
  /** N3: title 3–50 characters, content at least 3 (after trimming). */
  create(companyId: string, userId: string, input: { title: string; content: string }, options?: ActingOptions) {
    return this.call({ method: 'POST', template: '/companies/{cid}/users/{uid}/notes', params: { cid: companyId, uid: userId }, body: input, onBehalfOf: options?.onBehalfOf, schema: NoteSchema, options });
  }
  update(companyId: string, userId: string, noteId: string, input: { title?: string; content?: string }, options?: ActingOptions) {
    return this.call({ method: 'PATCH', template: '/companies/{cid}/users/{uid}/notes/{note_id}', params: { cid: companyId, uid: userId, note_id: noteId }, body: input, onBehalfOf: options?.onBehalfOf, schema: NoteSchema, options });
  }
  async delete(companyId: string, userId: string, noteId: string, options?: ActingOptions): Promise<void> {
    await this.call({ method: 'DELETE', template: '/companies/{cid}/users/{uid}/notes/{note_id}', params: { cid: companyId, uid: userId, note_id: noteId }, onBehalfOf: options?.onBehalfOf, schema: null, options });
  }
}
