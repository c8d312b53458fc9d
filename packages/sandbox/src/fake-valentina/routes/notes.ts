/** Notes attached to a user: N1–N5. No role or ownership check exists (§3.10). */
import { z } from 'zod';
import { notFound } from '../problem.js';
import { noteJson } from '../serialize.js';
import { QueryReader, checkLength, pageOf, parseBody } from '../validation.js';
import { pathUser } from './common.js';
import type { NoteRow } from '../model.js';
import type { Route, RouteContext } from '../router.js';

const createBody = z.object({ title: z.string(), content: z.string().default('') });
const updateBody = z.object({ title: z.string().optional(), content: z.string().optional() });

function pathNote(ctx: RouteContext, userId: string): NoteRow {
  const row = ctx.store.notes.get(ctx.params.note_id ?? '');
  if (!row || row.archived || row.user_id !== userId || row.company_id !== ctx.company.id) throw notFound('Note not found');
  return row;
}

export const noteRoutes: Route[] = [
  {
    id: 'N1',
    method: 'GET',
    pattern: '/companies/:company_id/users/:user_id/notes',
    obo: 'optional',
    cached: true,
    handle: (ctx) => {
      const reader = new QueryReader(ctx.query);
      const page = reader.page();
      reader.done();
      const user = pathUser(ctx);
      const rows = [...ctx.store.notes.values()].filter((n) => !n.archived && n.user_id === user.id);
      return { status: 200, body: pageOf(rows, page, noteJson) };
    },
  },
  {
    id: 'N2',
    method: 'GET',
    pattern: '/companies/:company_id/users/:user_id/notes/:note_id',
    obo: 'optional',
    cached: true,
    handle: (ctx) => ({ status: 200, body: noteJson(pathNote(ctx, pathUser(ctx).id)) }),
  },
  {
    id: 'N3',
    method: 'POST',
    pattern: '/companies/:company_id/users/:user_id/notes',
    obo: 'optional',
    audit: true,
    handle: (ctx) => {
      const { store, company } = ctx;
      const body = parseBody(ctx, createBody);
      const user = pathUser(ctx);
      const title = checkLength('title', body.title, 3, 50);
      const content = checkLength('content', body.content, 3);
      const row = store.createNote({ id: store.newId(), company_id: company.id, user_id: user.id, title, content });
      return { status: 201, body: noteJson(row) };
    },
  },
  {
    id: 'N4',
    method: 'PATCH',
    pattern: '/companies/:company_id/users/:user_id/notes/:note_id',
    obo: 'optional',
    audit: true,
    handle: (ctx) => {
      const body = parseBody(ctx, updateBody);
      const row = pathNote(ctx, pathUser(ctx).id);
      const title = body.title === undefined ? row.title : checkLength('title', body.title, 3, 50);
      const content = body.content === undefined ? row.content : checkLength('content', body.content, 3);
      Object.assign(row, { title, content, date_modified: ctx.store.stamp() });
      return { status: 200, body: noteJson(row) };
    },
  },
  {
    id: 'N5',
    method: 'DELETE',
    pattern: '/companies/:company_id/users/:user_id/notes/:note_id',
    obo: 'optional',
    audit: true,
    handle: (ctx) => {
      const row = pathNote(ctx, pathUser(ctx).id);
      row.archived = true;
      row.date_modified = ctx.store.stamp();
      return { status: 204 };
    },
  },
];
