/** Users: list, get, create, update, delete, statistics (U1–U5, U10). */
import { z } from 'zod';
import { badRequest, forbidden, ApiError } from '../problem.js';
import { characterJson, noteJson, quickrollJson, rollStatistics, userJson } from '../serialize.js';
import { QueryReader, byKeys, checkEmail, checkLength, pageOf, parseBody } from '../validation.js';
import { USER_ROLES, type UserRole, type UserRow } from '../model.js';
import { MANAGE_DENIED, actorOf, pathUser, requireSelfOrAdmin } from './common.js';
import type { Route } from '../router.js';
import type { FakeStore } from '../store.js';

const INCLUDES = ['quickrolls', 'notes', 'assets', 'characters'] as const;

const nullableName = z.string().nullable().optional();
const createBody = z.object({
  username: z.string(),
  email: z.string(),
  role: z.enum(USER_ROLES),
  name_first: nullableName,
  name_last: nullableName,
});
const updateBody = z.object({
  username: z.string().optional(),
  email: z.string().optional(),
  role: z.enum(USER_ROLES).optional(),
  name_first: nullableName,
  name_last: nullableName,
});

function checkName(field: string, value: string | null | undefined): string | null | undefined {
  return value == null ? value : checkLength(field, value, 2, 50);
}

function isLastAdmin(store: FakeStore, user: UserRow): boolean {
  return user.role === 'ADMIN' && store.companyUsers(user.company_id).filter((u) => u.role === 'ADMIN').length <= 1;
}

/** The role-change rules of U4 (§2.5, §3.5). */
function checkRoleChange(store: FakeStore, actor: UserRow, target: UserRow, role: UserRole): void {
  if (actor.role === 'PLAYER') throw forbidden(MANAGE_DENIED);
  if (role === 'UNAPPROVED') throw badRequest('Cannot assign UNAPPROVED role');
  if (actor.role === 'STORYTELLER' && role !== 'STORYTELLER' && role !== 'PLAYER') throw forbidden(MANAGE_DENIED);
  if (actor.role !== 'ADMIN' && (target.role === 'DEACTIVATED' || target.role === 'ADMIN')) throw forbidden(MANAGE_DENIED);
  if (role !== 'ADMIN' && isLastAdmin(store, target)) {
    throw new ApiError(409, 'Cannot remove the last admin from the company');
  }
}

export const userRoutes: Route[] = [
  {
    id: 'U1',
    method: 'GET',
    pattern: '/companies/:company_id/users',
    obo: 'optional',
    cached: true,
    handle: ({ store, company, query }) => {
      const reader = new QueryReader(query);
      const page = reader.page();
      const role = reader.enumValue('user_role', USER_ROLES);
      const email = reader.string('email');
      reader.done();
      const users = store
        .companyUsers(company.id)
        .filter((u) => (role === undefined || u.role === role) && (email === undefined || u.email === email))
        .sort(byKeys((u) => u.username, (u) => u.id));
      return { status: 200, body: pageOf(users, page, (u) => userJson(store, u)) };
    },
  },
  {
    id: 'U2',
    method: 'GET',
    pattern: '/companies/:company_id/users/:user_id',
    obo: 'optional',
    cached: true,
    handle: (ctx) => {
      const { store, query } = ctx;
      const reader = new QueryReader(query);
      const include = new Set(reader.enumList('include', INCLUDES));
      reader.done();
      const user = pathUser(ctx);
      const body: Record<string, unknown> = userJson(store, user);
      if (include.has('quickrolls')) {
        body.quickrolls = [...store.quickrolls.values()]
          .filter((q) => !q.archived && q.user_id === user.id)
          .sort(byKeys((q) => q.name))
          .map(quickrollJson);
      }
      if (include.has('notes')) {
        body.notes = [...store.notes.values()].filter((n) => !n.archived && n.user_id === user.id).map(noteJson);
      }
      if (include.has('assets')) body.assets = [];
      if (include.has('characters')) {
        body.characters = [...store.characters.values()]
          .filter((c) => !c.archived && c.user_player_id === user.id && c.type !== 'STORYTELLER')
          .map((c) => characterJson(store, c, true));
      }
      return { status: 200, body };
    },
  },
  {
    id: 'U3',
    method: 'POST',
    pattern: '/companies/:company_id/users',
    obo: 'required',
    audit: true,
    handle: (ctx) => {
      const { store, company } = ctx;
      const actor = actorOf(ctx);
      const body = parseBody(ctx, createBody);
      if (actor.role !== 'ADMIN' && actor.role !== 'STORYTELLER') throw forbidden(MANAGE_DENIED);
      if (body.role === 'UNAPPROVED' || body.role === 'DEACTIVATED') {
        throw badRequest(`Cannot create a user with role ${body.role}`);
      }
      if (actor.role === 'STORYTELLER' && body.role === 'ADMIN') throw forbidden(MANAGE_DENIED);
      const user = store.createUser({
        id: store.newId(),
        company_id: company.id,
        username: checkLength('username', body.username, 3, 50),
        email: checkEmail('email', body.email),
        role: body.role,
        name_first: checkName('name_first', body.name_first) ?? null,
        name_last: checkName('name_last', body.name_last) ?? null,
      });
      return { status: 201, body: userJson(store, user) };
    },
  },
  {
    id: 'U4',
    method: 'PATCH',
    pattern: '/companies/:company_id/users/:user_id',
    obo: 'required',
    audit: true,
    handle: (ctx) => {
      const { store } = ctx;
      const actor = actorOf(ctx);
      const body = parseBody(ctx, updateBody);
      const target = pathUser(ctx);
      requireSelfOrAdmin(actor, target);
      if (body.role !== undefined) checkRoleChange(store, actor, target, body.role);
      const changes: Partial<UserRow> = {};
      if (body.username !== undefined) changes.username = checkLength('username', body.username, 3, 50);
      if (body.email !== undefined) changes.email = checkEmail('email', body.email);
      if (body.name_first !== undefined) changes.name_first = checkName('name_first', body.name_first) ?? null;
      if (body.name_last !== undefined) changes.name_last = checkName('name_last', body.name_last) ?? null;
      if (body.role !== undefined) changes.role = body.role;
      if (Object.keys(changes).length > 0) store.updateUser(target, changes);
      return { status: 200, body: userJson(store, target) };
    },
  },
  {
    id: 'U5',
    method: 'DELETE',
    pattern: '/companies/:company_id/users/:user_id',
    obo: 'required',
    audit: true,
    handle: (ctx) => {
      const { store } = ctx;
      const actor = actorOf(ctx);
      const target = pathUser(ctx);
      requireSelfOrAdmin(actor, target);
      if (isLastAdmin(store, target)) throw new ApiError(409, 'Cannot remove the last admin from the company');
      store.archiveUser(target);
      return { status: 204 };
    },
  },
  {
    id: 'U10',
    method: 'GET',
    pattern: '/companies/:company_id/users/:user_id/statistics',
    obo: 'optional',
    handle: (ctx) => {
      const { store, query } = ctx;
      const reader = new QueryReader(query);
      const top = reader.int('num_top_traits', 5);
      reader.done();
      const user = pathUser(ctx);
      const rolls = [...store.diceRolls.values()].filter((r) => r.user_id === user.id);
      return { status: 200, body: rollStatistics(store, rolls, top) };
    },
  },
];
