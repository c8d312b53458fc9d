/**
 * Linking a Discord account to Valentina: the authorize URL `/link` hands out, and the OAuth callback
 * that checks the single-use state, exchanges the code, confirms the Discord account is the one that
 * asked, and lets Valentina's `auth/identify` match, link or create the user.
 */
import type { REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import type { IdentityKeys } from '../keyspace.js';
import type { RedisConnection } from '../redis.js';
import { withLock } from '../redis-lock.js';
import { request } from 'undici';
import { z } from 'zod';
import { loggableError } from '../discord/errors.js';
import type { Logger } from '../logger.js';
import { hasCode, ValentinaError, type IdentifyResponse, type User, type ValentinaClient } from '../valentina/index.js';
import type { LinkPage } from './link-page.js';
import type { OAuthState, OAuthStateStore } from './oauth-state.js';
import type { IdentityResolver } from './resolver.js';

export const OAUTH_CALLBACK_PATH = '/oauth/discord/callback';
export const OAUTH_SCOPES = ['identify', 'email'] as const;
/** A header on every answer of the OAuth callback, so a probe of PUBLIC_URL (src/self-check.ts) knows the bot answered. */
export const CALLBACK_MARKER_HEADER = 'x-valentina-bot';

export interface LinkFlowDeps {
  discord: { apiUrl: string; clientId: string; clientSecret: string; applicationId: string };
  publicUrl: string;
  states: OAuthStateStore;
  resolver: IdentityResolver;
  valentina: Pick<ValentinaClient, 'identity'>;
  redis: RedisConnection;
  keys: Pick<IdentityKeys, 'identifyLock'>;
  logger: Logger;
  /** Edits the `/link` reply in Discord; optional (worker-only processes have none). */
  rest?: REST;
  /** Called when Valentina created a new, unapproved user: the approvals feature posts a request. */
  onCreated?: (user: User, state: OAuthState) => Promise<void>;
}

export function redirectUri(publicUrl: string): string {
  return `${publicUrl}${OAUTH_CALLBACK_PATH}`;
}

/** The Discord authorize page `/link` sends the user to. */
export function authorizeUrl(deps: { discord: { apiUrl: string; clientId: string }; publicUrl: string }, stateToken: string): string {
  const query = new URLSearchParams({
    client_id: deps.discord.clientId,
    response_type: 'code',
    redirect_uri: redirectUri(deps.publicUrl),
    scope: OAUTH_SCOPES.join(' '),
    state: stateToken,
    prompt: 'consent',
  });
  return `${deps.discord.apiUrl}/oauth2/authorize?${query.toString()}`;
}

const TokenResponse = z.object({ access_token: z.string().min(1), token_type: z.string(), scope: z.string().optional() });
const DiscordMe = z.object({ id: z.string(), username: z.string(), global_name: z.string().nullable().optional() });

class LinkStop extends Error {
  constructor(readonly page: LinkPage) {
    super(page.title);
  }
}

/** Handles `GET /oauth/discord/callback?code&state` (or `?error&state`) and returns the page to show. */
export async function handleOAuthCallback(query: URLSearchParams, deps: LinkFlowDeps): Promise<LinkPage> {
  try {
    return await runCallback(query, deps);
  } catch (error) {
    if (error instanceof LinkStop) return error.page;
    deps.logger.error({ err: loggableError(error) }, 'OAuth callback failed unexpectedly');
    return {
      status: 500,
      tone: 'error',
      title: 'Something went wrong',
      message: 'The bot could not finish linking your account.',
      next: 'Run /link again in Discord. If it keeps failing, tell the server admins.',
    };
  }
}

const NOT_ISSUED: LinkPage = { status: 400, tone: 'error', title: 'This link is not valid', message: 'The sign-in link was not issued by this bot.', next: 'Run /link in Discord to get a fresh link.' };

async function runCallback(query: URLSearchParams, deps: LinkFlowDeps): Promise<LinkPage> {
  const stateToken = query.get('state') ?? '';
  // No state at all (a visit by hand, the start-up check's probe): answered without asking Redis.
  if (!stateToken) throw new LinkStop(NOT_ISSUED);
  const consumed = await deps.states.consume(stateToken);
  if (!consumed.ok) {
    throw new LinkStop(
      consumed.reason === 'unknown'
        ? NOT_ISSUED
        : { status: 410, tone: 'error', title: 'This link has expired', message: 'Sign-in links work once and only for 10 minutes.', next: 'Run /link in Discord again to get a new one.' },
    );
  }
  const state = consumed.state;
  const denied = query.get('error');
  if (denied) {
    throw new LinkStop({ status: 400, tone: 'error', title: 'Linking cancelled', message: 'Discord did not authorize the bot, so nothing was linked.', next: 'Run /link again whenever you are ready.' });
  }
  const code = query.get('code');
  if (!code) throw new LinkStop({ status: 400, tone: 'error', title: 'Missing sign-in code', message: 'Discord did not send a sign-in code.', next: 'Run /link again.' });

  const accessToken = await exchangeCode(code, deps);
  const me = await fetchMe(accessToken, deps);
  if (me.id !== state.discordUserId) {
    deps.logger.warn({ expected: state.discordUserId, got: me.id }, 'OAuth sign-in belongs to another Discord account');
    throw new LinkStop({
      status: 403,
      tone: 'error',
      title: 'Wrong Discord account',
      message: `You signed in as ${me.username}, but /link was run by a different Discord account.`,
      next: 'Sign in to Discord in your browser with the account you use in the server, then run /link again.',
    });
  }

  const result = await identifySerialized(state, accessToken, deps);
  await deps.resolver.invalidate(state.discordUserId);
  if (result.resolution === 'created') await deps.onCreated?.(result.user, state);
  const page = pageForResolution(result);
  await followUp(state, page, deps);
  return page;
}

async function exchangeCode(code: string, deps: LinkFlowDeps): Promise<string> {
  const basic = Buffer.from(`${deps.discord.clientId}:${deps.discord.clientSecret}`).toString('base64');
  const body = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri(deps.publicUrl) }).toString();
  try {
    const res = await request(`${deps.discord.apiUrl}/oauth2/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const json: unknown = await res.body.json().catch(() => null);
    const parsed = TokenResponse.safeParse(json);
    if (res.statusCode === 200 && parsed.success) return parsed.data.access_token;
    deps.logger.warn({ status: res.statusCode }, 'Discord refused the OAuth code');
  } catch (error) {
    deps.logger.warn({ err: error }, 'Discord OAuth token exchange failed');
  }
  throw new LinkStop({ status: 502, tone: 'error', title: 'Discord did not confirm the sign-in', message: 'The sign-in code was refused or Discord did not answer.', next: 'Run /link again in Discord.' });
}

async function fetchMe(accessToken: string, deps: LinkFlowDeps): Promise<z.infer<typeof DiscordMe>> {
  try {
    const res = await request(`${deps.discord.apiUrl}/v10/users/@me`, {
      headers: { authorization: `Bearer ${accessToken}` },
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const parsed = DiscordMe.safeParse(await res.body.json().catch(() => null));
    if (res.statusCode === 200 && parsed.success) return parsed.data;
  } catch (error) {
    deps.logger.warn({ err: error }, 'Discord /users/@me failed');
  }
  throw new LinkStop({ status: 502, tone: 'error', title: 'Discord did not answer', message: 'The bot could not read your Discord profile.', next: 'Run /link again in a minute.' });
}

/** Identify once at a time per Discord user: two concurrent first-time calls would create two users. */
async function identifySerialized(state: OAuthState, accessToken: string, deps: LinkFlowDeps): Promise<IdentifyResponse> {
  const lockKey = deps.keys.identifyLock(state.discordUserId);
  const busy = () =>
    new LinkStop({ status: 409, tone: 'error', title: 'Already linking', message: 'Another link for this account is in progress.', next: 'Wait a moment, then run /whoami in Discord.' });
  return withLock(deps.redis, lockKey, { ttlMs: 20_000, waitMs: 15_000, pollMs: () => 100, busy }, async () => {
    try {
      return await deps.valentina.identity.identify(state.companyId, { provider: 'discord', token: accessToken }, { deadline: Date.now() + 20_000 });
    } catch (error) {
      throw new LinkStop(pageForIdentifyError(error));
    }
  });
}

function pageForIdentifyError(error: unknown): LinkPage {
  const requestId = error instanceof ValentinaError ? error.requestId : undefined;
  if (hasCode(error, 'EMAIL_REQUIRED')) {
    return { status: 422, tone: 'error', title: 'Valentina needs your email', message: 'Your Discord account has no verified email address, and Valentina needs one to create your account.', next: 'Verify your email in Discord (User Settings → My Account), then run /link again.', requestId };
  }
  if (hasCode(error, 'TOKEN_VERIFICATION_FAILED')) {
    return { status: 422, tone: 'error', title: 'Valentina could not verify the sign-in', message: 'Valentina did not accept the Discord sign-in.', next: 'Run /link again in Discord.', requestId };
  }
  if (hasCode(error, 'PROVIDER_UNAVAILABLE') || (error instanceof ValentinaError && (error.status === 429 || error.status >= 500 || error.status === 0))) {
    return { status: 503, tone: 'error', title: 'Valentina is busy', message: 'Valentina could not finish linking right now.', next: 'Try /link again in a few minutes.', requestId };
  }
  if (error instanceof ValentinaError && error.status === 403) {
    return { status: 403, tone: 'error', title: 'Valentina refused', message: error.detail, next: 'Ask the server admins to check the bot’s access to the company.', requestId };
  }
  throw error;
}

export function pageForResolution(result: IdentifyResponse): LinkPage {
  const name = result.user.username;
  if (result.resolution === 'created') {
    return { status: 200, tone: 'pending', title: 'Account created', message: `Welcome, ${name}! Your Valentina account was created and is waiting for approval.`, next: 'The admins of the company have been asked to approve you; the bot will DM you when they decide.' };
  }
  if (result.user.role === 'UNAPPROVED') {
    return { status: 200, tone: 'pending', title: 'Waiting for approval', message: `Your Discord account is linked to ${name}, which is still waiting for approval.`, next: 'You will get a DM from the bot when a storyteller approves you.' };
  }
  if (result.user.role === 'DEACTIVATED') {
    return { status: 200, tone: 'error', title: 'Account deactivated', message: `Your Discord account is linked to ${name}, but that account is deactivated.`, next: 'Ask an admin of the company to reactivate it.' };
  }
  const how = result.resolution === 'linked' ? `linked to your existing Valentina account ${name}` : `linked to ${name}`;
  return { status: 200, tone: 'success', title: 'Account linked', message: `Your Discord account is ${how}.`, next: 'You can close this tab and go back to Discord: your commands now act as you.' };
}

/** Best effort: update the ephemeral `/link` reply so the user sees the result in Discord too. */
async function followUp(state: OAuthState, page: LinkPage, deps: LinkFlowDeps): Promise<void> {
  if (!deps.rest || !state.interactionToken) return;
  try {
    await deps.rest.patch(Routes.webhookMessage(deps.discord.applicationId, state.interactionToken, '@original'), {
      body: { content: `**${page.title}.** ${page.message}${page.next ? `\n${page.next}` : ''}`, components: [] },
      auth: false,
    });
  } catch (error) {
    deps.logger.debug({ err: loggableError(error) }, 'could not update the /link reply (it may have expired)');
  }
}
