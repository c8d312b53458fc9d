/** ADMIN-only user management: unapproved list, approve, deny, merge (U6–U9). */
import { z } from 'zod';
import { badRequest, forbidden, notFound } from '../problem.js';
import { userJson } from '../serialize.js';
import { QueryReader, byKeys, pageOf, parseBody, uuidString } from '../validation.js';
import { USER_ROLES, type ProviderProfile, type UserRow } from '../model.js';
import { actorOf, pathUser, requireAdmin } from './common.js';
import type { Route, RouteContext } from '../router.js';

const approveBody = z.object({ role: z.enum(USER_ROLES) });
const mergeBody = z.object({ primary_user_id: uuidString, secondary_user_id: uuidString });
const PROFILE_KEYS = ['discord_profile', 'google_profile', 'github_profile', 'apple_profile'] as const;

/** U7/U8 let UNAPPROVED actors through the guard, then refuse them the same way. */
function activeAdmin(ctx: RouteContext): UserRow {
  const actor = actorOf(ctx);
  if (actor.role === 'UNAPPROVED') throw forbidden('User has not been approved yet');
  requireAdmin(actor);
  return actor;
}

function unapprovedTarget(ctx: RouteContext): UserRow {
  const target = pathUser(ctx);
  if (target.role !== 'UNAPPROVED') throw badRequest('User is not in UNAPPROVED status');
  return target;
}

/** Keys the secondary has (non-null) and the primary lacks are copied into the primary. */
function mergeProfile(primary: ProviderProfile | null, secondary: ProviderProfile | null): ProviderProfile | null {
  if (secondary === null) return primary;
  if (primary === null) return { ...secondary };
  const merged: ProviderProfile = { ...primary };
  for (const [key, value] of Object.entries(secondary)) {
    if (value !== null && value !== undefined && (merged[key] === null || merged[key] === undefined)) merged[key] = value;
  }
  return merged;
}

export const approvalRoutes: Route[] = [
  {
    id: 'U6',
    method: 'GET',
    pattern: '/companies/:company_id/users/unapproved',
    obo: 'required',
    cached: true,
    handle: (ctx) => {
      const { store, company, query } = ctx;
      requireAdmin(actorOf(ctx));
      const reader = new QueryReader(query);
      const page = reader.page();
      reader.done();
      const users = store
        .companyUsers(company.id)
        .filter((u) => u.role === 'UNAPPROVED')
        .sort(byKeys((u) => u.username, (u) => u.id));
      return { status: 200, body: pageOf(users, page, (u) => userJson(store, u)) };
    },
  },
  {
    id: 'U7',
    method: 'POST',
    pattern: '/companies/:company_id/users/:user_id/approve',
    obo: 'required',
    audit: true,
    handle: (ctx) => {
      activeAdmin(ctx);
      const body = parseBody(ctx, approveBody);
      const target = unapprovedTarget(ctx);
      if (body.role === 'UNAPPROVED' || body.role === 'DEACTIVATED') {
        throw badRequest(`Cannot approve a user with role ${body.role}`);
      }
      ctx.store.updateUser(target, { role: body.role });
      return { status: 201, body: userJson(ctx.store, target) };
    },
  },
  {
    id: 'U8',
    method: 'POST',
    pattern: '/companies/:company_id/users/:user_id/deny',
    obo: 'required',
    audit: true,
    handle: (ctx) => {
      activeAdmin(ctx);
      const target = unapprovedTarget(ctx);
      ctx.store.archiveUser(target);
      return { status: 201, body: null };
    },
  },
  {
    id: 'U9',
    method: 'POST',
    pattern: '/companies/:company_id/users/merge',
    obo: 'required',
    audit: true,
    handle: (ctx) => {
      const { store, company } = ctx;
      requireAdmin(actorOf(ctx));
      const body = parseBody(ctx, mergeBody);
      const primaryId = body.primary_user_id.toLowerCase();
      const secondaryId = body.secondary_user_id.toLowerCase();
      if (primaryId === secondaryId) throw badRequest('Primary and secondary user must be different');
      const primary = store.companyUser(company.id, primaryId);
      const secondary = store.companyUser(company.id, secondaryId);
      if (!primary || !secondary) throw notFound('User not found');
      if (secondary.role !== 'UNAPPROVED') throw badRequest('Secondary user must have UNAPPROVED role');
      const changes: Partial<UserRow> = {};
      for (const key of PROFILE_KEYS) {
        const merged = mergeProfile(primary[key], secondary[key]);
        Object.assign(changes, { [key]: merged });
      }
      store.archiveUser(secondary);
      store.updateUser(primary, changes);
      return { status: 201, body: userJson(store, primary) };
    },
  },
];
