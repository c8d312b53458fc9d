/** Health, developer self, companies, cross-company user lookup (H1, D1, C1–C3, L1). */
import { badRequest, forbidden } from '../problem.js';
import { companyJson, rollStatistics } from '../serialize.js';
import { z } from 'zod';
import { QueryReader, byKeys, pageOf, parseBody, uuidString } from '../validation.js';
import type { Route } from '../router.js';

const VERSION = '0.27.0';

const accessBody = z.object({ developer_id: uuidString, permission: z.enum(['USER', 'ADMIN', 'OWNER', 'REVOKE']) });

function uptime(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h ${Math.floor((s % 3600) / 60)}m ${s % 60}s`;
}

const LOOKUP_PARAMS = ['email', 'discord_id', 'google_id', 'github_id', 'apple_id'] as const;
const PROFILE_OF = {
  discord_id: 'discord_profile',
  google_id: 'google_profile',
  github_id: 'github_profile',
  apple_id: 'apple_profile',
} as const;

export const metaRoutes: Route[] = [
  {
    id: 'H1',
    method: 'GET',
    pattern: '/health',
    obo: 'none',
    handle: ({ store }) => ({
      status: 200,
      body: {
        database_status: 'online',
        cache_status: 'online',
        database_latency_ms: 0.4,
        cache_latency_ms: 0.1,
        uptime: uptime(store.now() - store.startedAt),
        version: VERSION,
      },
    }),
  },
  {
    id: 'D1',
    method: 'GET',
    pattern: '/developers/me',
    obo: 'none',
    cached: true,
    handle: ({ store }) => {
      const dev = store.developer;
      return {
        status: 200,
        body: {
          id: dev.id,
          date_created: dev.date_created,
          date_modified: dev.date_modified,
          username: dev.username,
          email: dev.email,
          key_generated: dev.key_generated,
          provider_audiences: null,
          companies: [...dev.permissions.entries()]
            .map(([companyId, permission]) => ({ company: store.companies.get(companyId), permission }))
            .filter(({ company }) => company !== undefined && !company.archived)
            .map(({ company, permission }) => ({ company_id: company?.id, name: company?.name, permission })),
        },
      };
    },
  },
  {
    id: 'C1',
    method: 'GET',
    pattern: '/companies',
    obo: 'none',
    cached: true,
    handle: ({ store, query }) => {
      const reader = new QueryReader(query);
      const page = reader.page();
      reader.done();
      const companies = [...store.companies.keys()]
        .map((id) => store.accessibleCompany(id))
        .filter((c) => c !== undefined)
        .sort(byKeys((c) => c.name, (c) => c.id));
      return { status: 200, body: pageOf(companies, page, (c) => companyJson(store, c)) };
    },
  },
  {
    id: 'C2',
    method: 'GET',
    pattern: '/companies/:company_id',
    obo: 'none',
    cached: true,
    handle: ({ store, company }) => ({ status: 200, body: companyJson(store, company) }),
  },
  {
    id: 'C3',
    method: 'GET',
    pattern: '/companies/:company_id/statistics',
    obo: 'optional',
    handle: ({ store, company, query }) => {
      const reader = new QueryReader(query);
      const top = reader.int('num_top_traits', 5);
      reader.done();
      const rolls = [...store.diceRolls.values()].filter((r) => r.company_id === company.id);
      return { status: 200, body: rollStatistics(store, rolls, top) };
    },
  },
  {
    id: 'C4',
    method: 'POST',
    pattern: '/companies/:company_id/access',
    obo: 'none',
    audit: true,
    handle: (ctx) => {
      const { store, company } = ctx;
      if (store.developer.permissions.get(company.id) !== 'OWNER') throw forbidden();
      const body = parseBody(ctx, accessBody);
      // The fake knows one developer: the holder of its API key.
      if (body.developer_id.toLowerCase() !== store.developer.id) throw badRequest(`Developer ${body.developer_id} not found`);
      const current = store.developer.permissions.get(company.id);
      if (current === 'OWNER' && body.permission !== 'OWNER') throw badRequest('Every company must have at least one owner.');
      store.grantAccess(company.id, body.permission === 'REVOKE' ? null : body.permission);
      return { status: 201, body: { company_id: company.id, name: company.name, permission: body.permission } };
    },
  },
  {
    id: 'L1',
    method: 'GET',
    pattern: '/users/lookup',
    obo: 'none',
    handle: ({ store, query }) => {
      const given = LOOKUP_PARAMS.filter((p) => query.has(p));
      const [param] = given;
      if (given.length !== 1 || param === undefined) {
        throw badRequest('Exactly one lookup identifier is required: email, discord_id, google_id, github_id, or apple_id.');
      }
      const value = query.get(param) ?? '';
      const matches = [...store.users.values()].filter((u) => {
        if (u.archived || !store.accessibleCompany(u.company_id)) return false;
        if (param === 'email') return u.email === value;
        const profile = u[PROFILE_OF[param]];
        return profile !== null && String(profile.id) === value;
      });
      return {
        status: 200,
        body: matches.map((u) => ({
          company_id: u.company_id,
          company_name: store.companies.get(u.company_id)?.name ?? '',
          user_id: u.id,
          role: u.role,
        })),
      };
    },
  },
];
