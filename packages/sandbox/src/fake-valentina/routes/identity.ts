/** Provider identities: identify (I1), link (I2), unlink (I3). */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { ApiError, forbidden, notFound, validationError } from '../problem.js';
import { userJson } from '../serialize.js';
import { checkEmail, checkLength, parseBody } from '../validation.js';
import { IDENTITY_PROVIDERS, type DiscordProfile, type IdentityProvider, type UserRow } from '../model.js';
import type { Route, RouteContext } from '../router.js';
import type { FakeStore } from '../store.js';

const PROFILE_KEY = {
  discord: 'discord_profile',
  google: 'google_profile',
  github: 'github_profile',
  apple: 'apple_profile',
} as const satisfies Record<IdentityProvider, keyof UserRow>;

const identifyBody = z.object({
  provider: z.enum(IDENTITY_PROVIDERS),
  token: z.string(),
  username: z.string().nullish(),
  email: z.string().nullish(),
});
const linkBody = z.object({ provider: z.enum(IDENTITY_PROVIDERS), token: z.string() });

/** Verifies a provider token; only Discord tokens can be checked by the fake. */
async function verify(ctx: RouteContext, provider: IdentityProvider, token: string): Promise<DiscordProfile> {
  if (provider !== 'discord') {
    throw new ApiError(422, `Tokens of provider '${provider}' cannot be verified`, { code: 'TOKEN_VERIFICATION_FAILED' });
  }
  return ctx.verifyDiscord(token);
}

function sameProfile(a: DiscordProfile | null, b: DiscordProfile): boolean {
  return a !== null && JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());
}

function deriveUsername(store: FakeStore, companyId: string, source: string): string {
  let base = source.trim();
  if (base.length < 3) base = `${base}${base ? '-' : 'user-'}${randomBytes(3).toString('hex')}`;
  base = base.slice(0, 50);
  const taken = new Set(store.companyUsers(companyId).map((u) => u.username));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n += 1) {
    const suffix = `-${n}`;
    const candidate = `${base.slice(0, 50 - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

function profileCount(user: UserRow): number {
  return Object.values(PROFILE_KEY).filter((key) => user[key] !== null).length;
}

export const identityRoutes: Route[] = [
  {
    id: 'I1',
    method: 'POST',
    pattern: '/companies/:company_id/auth/identify',
    obo: 'identify',
    identify: true,
    // Audited by hand: a matched login that changed nothing does not count as a write.
    handle: async (ctx) => {
      const { store, company } = ctx;
      const body = parseBody(ctx, identifyBody);
      const username = body.username == null ? null : checkLength('username', body.username, 3, 50);
      const bodyEmail = body.email == null ? null : checkEmail('email', body.email);
      const profile = await verify(ctx, body.provider, body.token);
      const users = store.companyUsers(company.id);

      const matched = users.find((u) => u.discord_profile?.id === profile.id);
      if (matched) {
        const changed = !sameProfile(matched.discord_profile, profile);
        if (changed) {
          store.updateUser(matched, { discord_profile: profile });
          store.touchCompany(company.id);
        }
        return { status: 200, body: { resolution: 'matched', user: userJson(store, matched) }, flushesCache: changed };
      }
      if (profile.email && profile.verified) {
        const email = profile.email.toLowerCase();
        const sameEmail = users.filter((u) => u.email.toLowerCase() === email);
        const [only] = sameEmail;
        if (sameEmail.length === 1 && only) {
          store.updateUser(only, { discord_profile: profile });
          store.touchCompany(company.id);
          return { status: 200, body: { resolution: 'linked', user: userJson(store, only) }, flushesCache: true };
        }
      }
      const email = profile.email ?? bodyEmail;
      if (!email) {
        throw new ApiError(422, 'An email address is required to create a new user', { code: 'EMAIL_REQUIRED' });
      }
      const created = store.createUser({
        id: store.newId(),
        company_id: company.id,
        username: username ?? deriveUsername(store, company.id, profile.username ?? ''),
        email,
        role: 'UNAPPROVED',
        discord_profile: profile,
      });
      store.touchCompany(company.id);
      return { status: 200, body: { resolution: 'created', user: userJson(store, created) }, flushesCache: true };
    },
  },
  {
    id: 'I2',
    method: 'POST',
    pattern: '/companies/:company_id/users/:user_id/identities',
    obo: 'required',
    audit: true,
    handle: async (ctx) => {
      const { store, company, params } = ctx;
      const actor = ctx.actor;
      if (!actor || (actor.role !== 'ADMIN' && actor.id !== params.user_id)) {
        throw forbidden('Only the user themselves or an admin can link identities');
      }
      const target = store.companyUser(company.id, params.user_id ?? '');
      if (!target) throw notFound('User not found');
      const body = parseBody(ctx, linkBody);
      const profile = await verify(ctx, body.provider, body.token);
      const holder = store.companyUsers(company.id).find((u) => u.id !== target.id && u.discord_profile?.id === profile.id);
      const own = target.discord_profile;
      if (holder || (own !== null && own.id !== profile.id)) {
        throw new ApiError(409, 'This identity is already linked to a user', { code: 'IDENTITY_ALREADY_LINKED' });
      }
      store.updateUser(target, { discord_profile: profile });
      return { status: 200, body: userJson(store, target) };
    },
  },
  {
    id: 'I3',
    method: 'DELETE',
    pattern: '/companies/:company_id/users/:user_id/identities/:provider',
    obo: 'required',
    audit: true,
    handle: (ctx) => {
      const { store, company, params } = ctx;
      const provider = IDENTITY_PROVIDERS.find((p) => p === params.provider);
      if (!provider) {
        throw validationError([{ field: 'provider', message: `Invalid enum value '${params.provider}', expected one of ${IDENTITY_PROVIDERS.join(', ')}` }]);
      }
      const actor = ctx.actor;
      if (!actor || (actor.role !== 'ADMIN' && actor.id !== params.user_id)) {
        throw forbidden('Only the user themselves or an admin can unlink identities');
      }
      const target = store.companyUser(company.id, params.user_id ?? '');
      if (!target) throw notFound('User not found');
      const key = PROFILE_KEY[provider];
      if (target[key] === null) throw new ApiError(404, `User has no ${provider} identity`, { code: 'IDENTITY_NOT_LINKED' });
      if (profileCount(target) <= 1) {
        throw new ApiError(409, 'Cannot remove the last identity of a user', { code: 'LAST_IDENTITY' });
      }
      store.updateUser(target, { [key]: null });
      return { status: 200, body: userJson(store, target) };
    },
  },
];
