/** Experience and cool points per (user, campaign): X1–X4. */
import { z } from 'zod';
import { ApiError, forbidden, notFound } from '../problem.js';
import { experienceJson } from '../serialize.js';
import { parseBody, uuidString } from '../validation.js';
import { actorOf, isStaff, pathUser } from './common.js';
import type { ExperienceRow, UserRow } from '../model.js';
import type { Route, RouteContext } from '../router.js';

/** Fixed exchange rate: one cool point is worth 10 XP. */
export const XP_PER_COOL_POINT = 10;

const amountBody = z.object({
  amount: z.number().int().min(1, { message: 'Amount must be a positive integer' }),
  campaign_id: uuidString,
});

/** The `permission_grant_xp` gate shared by X2–X4 (§2.4). */
function mayGrant(ctx: RouteContext, actor: UserRow, target: UserRow): boolean {
  if (isStaff(actor)) return true;
  switch (ctx.company.settings.permission_grant_xp) {
    case 'UNRESTRICTED':
      return true;
    case 'PLAYER':
      return actor.id === target.id;
    case 'STORYTELLER':
      return false;
  }
}

type Change = (record: ExperienceRow, user: UserRow, amount: number) => void;

function experienceWrite(id: string, suffix: string, change: Change): Route {
  return {
    id,
    method: 'POST',
    pattern: `/companies/:company_id/users/:user_id/experience/${suffix}`,
    obo: 'required',
    audit: true,
    handle: (ctx) => {
      const { store, company } = ctx;
      const actor = actorOf(ctx);
      const body = parseBody(ctx, amountBody);
      const target = pathUser(ctx);
      if (!mayGrant(ctx, actor, target)) throw forbidden('User not authorized to grant or remove XP for this user');
      const campaign = store.campaigns.get(body.campaign_id.toLowerCase());
      if (!campaign || campaign.archived || campaign.company_id !== company.id) throw notFound('Campaign not found');
      const record = store.ensureExperience(target.id, campaign.id);
      change(record, target, body.amount);
      store.updateUser(target, {});
      return { status: 201, body: experienceJson(record) };
    },
  };
}

export const experienceRoutes: Route[] = [
  {
    id: 'X1',
    method: 'GET',
    pattern: '/companies/:company_id/users/:user_id/experience/:campaign_id',
    obo: 'optional',
    cached: true,
    handle: (ctx) => {
      const { store, params } = ctx;
      const user = pathUser(ctx);
      const campaign = store.campaigns.get(params.campaign_id ?? '');
      if (!campaign || campaign.archived) throw notFound('Campaign not found');
      return { status: 200, body: experienceJson(store.ensureExperience(user.id, campaign.id)) };
    },
  },
  experienceWrite('X2', 'xp/add', (record, user, amount) => {
    record.xp_current += amount;
    record.xp_total += amount;
    user.lifetime_xp += amount;
  }),
  experienceWrite('X3', 'xp/remove', (record, _user, amount) => {
    if (record.xp_current < amount) throw new ApiError(400, 'User does not have enough XP to complete the action.');
    record.xp_current -= amount;
  }),
  experienceWrite('X4', 'cp/add', (record, user, amount) => {
    const xp = amount * XP_PER_COOL_POINT;
    record.cool_points += amount;
    record.xp_current += xp;
    record.xp_total += xp;
    user.lifetime_cool_points += amount;
    user.lifetime_xp += xp;
  }),
];
