/** A user's quickrolls: Q1–Q5. */
import { z } from 'zod';
import { badRequest, notFound } from '../problem.js';
import { quickrollJson } from '../serialize.js';
import { QueryReader, byKeys, checkLength, pageOf, parseBody, uuidString } from '../validation.js';
import { actorOf, pathUser, requireSelfOrAdmin } from './common.js';
import type { QuickrollRow } from '../model.js';
import type { Route, RouteContext } from '../router.js';
import type { FakeStore } from '../store.js';

const createBody = z.object({
  name: z.string(),
  description: z.string().optional(),
  trait_ids: z.array(uuidString).optional(),
});
const updateBody = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  trait_ids: z.array(uuidString).optional(),
});

/** Trait or CharacterTrait ids → deduplicated Trait ids; 400 on an empty set or an unknown id. */
export function resolveTraitIds(store: FakeStore, ids: string[], requireOne: boolean): string[] {
  if (requireOne && ids.length === 0) {
    throw badRequest('Quick roll must have at least one trait', [
      { field: 'trait_ids', message: 'Quick roll must have at least one trait' },
    ]);
  }
  const resolved = new Set<string>();
  for (const id of ids) {
    const traitId = store.resolveTraitId(id.toLowerCase());
    if (traitId === undefined) throw badRequest('Trait not found', [{ field: 'trait_ids', message: `Trait ${id} not found` }]);
    resolved.add(traitId);
  }
  return [...resolved];
}

/** Blank descriptions are stored as null; otherwise at least 3 characters after trimming. */
function description(value: string): string | null {
  return value.trim() === '' ? null : checkLength('description', value, 3);
}

/** The path quickroll: non-archived and owned by the path user (else 404). */
function pathQuickroll(ctx: RouteContext, userId: string): QuickrollRow {
  const row = ctx.store.quickrolls.get(ctx.params.quickroll_id ?? '');
  if (!row || row.archived || row.user_id !== userId) throw notFound('Quick roll not found');
  return row;
}

export const quickrollRoutes: Route[] = [
  {
    id: 'Q1',
    method: 'GET',
    pattern: '/companies/:company_id/users/:user_id/quickrolls',
    obo: 'optional',
    cached: true,
    handle: (ctx) => {
      const reader = new QueryReader(ctx.query);
      const page = reader.page();
      reader.done();
      const user = pathUser(ctx);
      const rows = [...ctx.store.quickrolls.values()]
        .filter((q) => !q.archived && q.user_id === user.id)
        .sort(byKeys((q) => q.name, (q) => q.id));
      return { status: 200, body: pageOf(rows, page, quickrollJson) };
    },
  },
  {
    id: 'Q2',
    method: 'GET',
    pattern: '/companies/:company_id/users/:user_id/quickrolls/:quickroll_id',
    obo: 'optional',
    cached: true,
    handle: (ctx) => ({ status: 200, body: quickrollJson(pathQuickroll(ctx, pathUser(ctx).id)) }),
  },
  {
    id: 'Q3',
    method: 'POST',
    pattern: '/companies/:company_id/users/:user_id/quickrolls',
    obo: 'required',
    audit: true,
    handle: (ctx) => {
      const { store } = ctx;
      const actor = actorOf(ctx);
      const body = parseBody(ctx, createBody);
      const user = pathUser(ctx);
      requireSelfOrAdmin(actor, user);
      const name = checkLength('name', body.name, 3, 50);
      const desc = description(body.description ?? '');
      const traitIds = resolveTraitIds(store, body.trait_ids ?? [], true);
      const row = store.createQuickroll({ id: store.newId(), user_id: user.id, name, description: desc, trait_ids: traitIds });
      return { status: 201, body: quickrollJson(row) };
    },
  },
  {
    id: 'Q4',
    method: 'PATCH',
    pattern: '/companies/:company_id/users/:user_id/quickrolls/:quickroll_id',
    obo: 'required',
    audit: true,
    handle: (ctx) => {
      const { store } = ctx;
      const actor = actorOf(ctx);
      const body = parseBody(ctx, updateBody);
      const user = pathUser(ctx);
      requireSelfOrAdmin(actor, user);
      const row = pathQuickroll(ctx, user.id);
      // Like the live server, name and description are saved before trait_ids is validated.
      const name = body.name === undefined ? row.name : checkLength('name', body.name, 3, 50);
      const desc = body.description === undefined ? row.description : description(body.description);
      Object.assign(row, { name, description: desc, date_modified: store.stamp() });
      if (body.trait_ids !== undefined) row.trait_ids = resolveTraitIds(store, body.trait_ids, true);
      return { status: 200, body: quickrollJson(row) };
    },
  },
  {
    id: 'Q5',
    method: 'DELETE',
    pattern: '/companies/:company_id/users/:user_id/quickrolls/:quickroll_id',
    obo: 'required',
    audit: true,
    handle: (ctx) => {
      const actor = actorOf(ctx);
      const user = pathUser(ctx);
      requireSelfOrAdmin(actor, user);
      const row = pathQuickroll(ctx, user.id);
      row.archived = true;
      row.date_modified = ctx.store.stamp();
      return { status: 204 };
    },
  },
];
