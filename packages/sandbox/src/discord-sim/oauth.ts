/**
 * OAuth2 authorization-code flow: consent (test-driven), code exchange, bearer tokens for /users/@me.
 * As on Discord, the authorize step refuses a redirect_uri that is not one of the application's
 * registered redirects (Developer Portal → OAuth2 → Redirects, compared character for character): the
 * page shows "Invalid OAuth2 redirect_uri" and sends the browser nowhere.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { DiscordApiError, type RouteResult, type SimRequest, type SimRoute } from './http.js';
import { apiUser, type Json } from './serialize.js';
import type { SimStore } from './store.js';

const CODE_TTL_MS = 10 * 60_000;
const TOKEN_TTL_S = 604_800;

interface Grant {
  userId: string;
  scopes: string[];
  redirectUri: string;
  expiresAt: number;
}

interface Token {
  userId: string;
  scopes: string[];
  expiresAt: number;
}

const authorizeQuerySchema = z.object({
  client_id: z.string().min(1),
  redirect_uri: z.url(),
  response_type: z.literal('code'),
  scope: z.string().min(1),
  state: z.string().optional(),
});

const tokenBodySchema = z.discriminatedUnion('grant_type', [
  z.object({ grant_type: z.literal('authorization_code'), code: z.string(), redirect_uri: z.string() }),
  z.object({ grant_type: z.literal('refresh_token'), refresh_token: z.string() }),
]);

/** OAuth errors are not Discord's `{message, code}` but RFC 6749 bodies. */
class OAuthError extends DiscordApiError {
  constructor(status: number, readonly error: string, description: string) {
    super(status, 0, description);
  }

  override toBody(): Record<string, unknown> {
    return { error: this.error, error_description: this.message };
  }
}

const token = () => randomBytes(20).toString('base64url');

/** What Discord's authorize page shows for an unregistered redirect_uri. */
export const INVALID_REDIRECT_MESSAGE = 'Invalid OAuth2 redirect_uri';

export interface OAuthDeps {
  store: SimStore;
  applicationId: string;
  clientSecret: string;
  /** The application's registered redirects, read at each request (tests change them while running). */
  redirectUris: () => readonly string[];
  now: () => number;
}

export class OAuthState {
  readonly #codes = new Map<string, Grant>();
  readonly #access = new Map<string, Token>();
  readonly #refresh = new Map<string, Token>();

  constructor(private readonly deps: OAuthDeps) {}

  /**
   * Validates an authorize URL's query as Discord's authorize page does; throws a readable error for a
   * broken one, and Discord's "Invalid OAuth2 redirect_uri" (HTTP 400, no redirect) for a redirect the
   * application has not registered.
   */
  parseAuthorize(query: URLSearchParams): z.infer<typeof authorizeQuerySchema> {
    const parsed = authorizeQuerySchema.safeParse(Object.fromEntries(query));
    if (!parsed.success) {
      throw new OAuthError(400, 'invalid_request', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    }
    if (parsed.data.client_id !== this.deps.applicationId) throw new OAuthError(400, 'invalid_client', 'Unknown client_id');
    if (!this.deps.redirectUris().includes(parsed.data.redirect_uri)) throw new OAuthError(400, 'invalid_request', INVALID_REDIRECT_MESSAGE);
    return parsed.data;
  }

  /** The user consents on the authorize page; returns where Discord sends the browser (code and state). */
  authorize(input: { userId: string; url: string }): string {
    const url = new URL(input.url);
    if (!url.pathname.endsWith('/oauth2/authorize')) throw new Error(`discord-sim: ${input.url} is not an authorize URL`);
    const redirectUri = url.searchParams.get('redirect_uri');
    const registered = this.deps.redirectUris();
    if (redirectUri !== null && !registered.includes(redirectUri)) {
      const list = registered.length > 0 ? registered.join(', ') : 'none';
      throw new Error(
        `discord-sim: Discord shows "${INVALID_REDIRECT_MESSAGE}" and redirects nowhere: ${redirectUri} is not among the application's ` +
          `OAuth2 redirects (registered: ${list}). Register it with the redirectUris option or sim.application.redirectUris.`,
      );
    }
    const query = this.parseAuthorize(url.searchParams);
    this.deps.store.user(input.userId);
    const code = token();
    this.#codes.set(code, {
      userId: input.userId,
      scopes: query.scope.split(/[\s+]+/).filter(Boolean),
      redirectUri: query.redirect_uri,
      expiresAt: this.deps.now() + CODE_TTL_MS,
    });
    const redirect = new URL(query.redirect_uri);
    redirect.searchParams.set('code', code);
    if (query.state !== undefined) redirect.searchParams.set('state', query.state);
    return redirect.toString();
  }

  issueToken(userId: string, scopes: string[]): { accessToken: string; refreshToken: string } {
    this.deps.store.user(userId);
    const record: Token = { userId, scopes, expiresAt: this.deps.now() + TOKEN_TTL_S * 1000 };
    const accessToken = token();
    const refreshToken = token();
    this.#access.set(accessToken, record);
    this.#refresh.set(refreshToken, record);
    return { accessToken, refreshToken };
  }

  tokenFor(accessToken: string): Token | undefined {
    const record = this.#access.get(accessToken);
    return record && record.expiresAt > this.deps.now() ? record : undefined;
  }

  /** `/users/@me` for a bearer token: email and verified only with the `email` scope. */
  userForToken(accessToken: string): Json {
    const record = this.tokenFor(accessToken);
    if (!record?.scopes.includes('identify')) throw new DiscordApiError(401, 0, '401: Unauthorized');
    const user = this.deps.store.user(record.userId);
    const withEmail = record.scopes.includes('email');
    return {
      ...apiUser(user),
      mfa_enabled: false,
      locale: 'en-US',
      premium_type: 0,
      ...(withEmail ? { email: user.email, verified: user.verified } : {}),
    };
  }

  exchange(req: SimRequest): RouteResult {
    const form = req.form ?? new URLSearchParams();
    const basic = req.auth?.kind === 'basic' ? req.auth : null;
    const clientId = basic?.id ?? form.get('client_id');
    const secret = basic?.secret ?? form.get('client_secret');
    if (clientId !== this.deps.applicationId || secret !== this.deps.clientSecret) {
      throw new OAuthError(401, 'invalid_client', 'Invalid client credentials');
    }
    const parsed = tokenBodySchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw new OAuthError(400, 'invalid_request', 'grant_type, code and redirect_uri are required');
    let grant: { userId: string; scopes: string[] };
    if (parsed.data.grant_type === 'authorization_code') {
      const found = this.#codes.get(parsed.data.code);
      this.#codes.delete(parsed.data.code);
      if (!found || found.expiresAt < this.deps.now()) throw new OAuthError(400, 'invalid_grant', 'Invalid "code" in request.');
      if (found.redirectUri !== parsed.data.redirect_uri) throw new OAuthError(400, 'invalid_grant', 'Invalid "redirect_uri" in request.');
      grant = found;
    } else {
      const found = this.#refresh.get(parsed.data.refresh_token);
      this.#refresh.delete(parsed.data.refresh_token);
      if (!found) throw new OAuthError(400, 'invalid_grant', 'Invalid "refresh_token" in request.');
      grant = found;
    }
    const issued = this.issueToken(grant.userId, grant.scopes);
    return {
      status: 200,
      body: {
        access_token: issued.accessToken,
        token_type: 'Bearer',
        expires_in: TOKEN_TTL_S,
        refresh_token: issued.refreshToken,
        scope: grant.scopes.join(' '),
      },
    };
  }

  routes(): SimRoute[] {
    return [
      {
        method: 'GET',
        pattern: '/oauth2/authorize',
        auth: 'none',
        handle: (req) => {
          const query = this.parseAuthorize(req.query);
          return {
            status: 200,
            body: { application_id: this.deps.applicationId, scopes: query.scope.split(/[\s+]+/), redirect_uri: query.redirect_uri },
          };
        },
      },
      { method: 'POST', pattern: '/oauth2/token', auth: 'none', handle: (req) => this.exchange(req) },
      {
        method: 'POST',
        pattern: '/oauth2/token/revoke',
        auth: 'none',
        handle: (req) => {
          const value = req.form?.get('token') ?? '';
          this.#access.delete(value);
          this.#refresh.delete(value);
          return { status: 200, body: {} };
        },
      },
      {
        method: 'GET',
        pattern: '/oauth2/@me',
        auth: 'bearer',
        handle: (req) => {
          const record = req.auth?.kind === 'bearer' ? this.tokenFor(req.auth.token) : undefined;
          if (!record) throw new DiscordApiError(401, 0, '401: Unauthorized');
          return {
            status: 200,
            body: {
              application: { id: this.deps.applicationId },
              scopes: record.scopes,
              expires: new Date(record.expiresAt).toISOString(),
              user: apiUser(this.deps.store.user(record.userId)),
            },
          };
        },
      },
    ];
  }
}
