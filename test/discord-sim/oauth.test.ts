import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscordSimulator, SimUser } from '../../packages/sandbox/src/discord-sim/index.js';
import { APP_ID, startSim } from './harness.js';

let sim: DiscordSimulator;
let lena: SimUser;
const SECRET = 'shh-secret';
const REDIRECT = 'http://127.0.0.1:9/oauth/callback';

beforeEach(async () => {
  sim = await startSim({ clientSecret: SECRET, redirectUris: [REDIRECT] });
  lena = sim.addUser({ username: 'lena', email: 'lena@example.test', verified: true });
});

afterEach(async () => {
  await sim.close();
});

function authorizeUrl(scope: string, state = 'st4te', redirectUri = REDIRECT): string {
  const url = new URL(`${sim.apiUrl}/oauth2/authorize`);
  url.search = new URLSearchParams({ client_id: APP_ID, redirect_uri: redirectUri, response_type: 'code', scope, state }).toString();
  return url.toString();
}

async function exchange(code: string, redirectUri = REDIRECT): Promise<Response> {
  return fetch(`${sim.apiUrl}/oauth2/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${APP_ID}:${SECRET}`).toString('base64')}`,
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri }),
  });
}

async function me(token: string, versioned = true): Promise<Response> {
  return fetch(`${sim.apiUrl}${versioned ? '/v10' : ''}/users/@me`, { headers: { authorization: `Bearer ${token}` } });
}

describe('OAuth2 code flow', () => {
  it('exchanges a code once and shows email only with the email scope', async () => {
    const page = await fetch(authorizeUrl('identify email'));
    expect(page.status).toBe(200);
    const redirect = new URL(sim.oauth.authorize({ userId: lena.id, url: authorizeUrl('identify email') }));
    expect(redirect.origin + redirect.pathname).toBe(REDIRECT);
    expect(redirect.searchParams.get('state')).toBe('st4te');
    const code = redirect.searchParams.get('code') ?? '';

    const response = await exchange(code);
    expect(response.status).toBe(200);
    const token = (await response.json()) as { access_token: string; token_type: string; scope: string; expires_in: number };
    expect(token).toMatchObject({ token_type: 'Bearer', scope: 'identify email' });
    expect((await (await me(token.access_token)).json()) as object).toMatchObject({ id: lena.id, email: 'lena@example.test', verified: true });
    expect((await (await me(token.access_token, false)).json()) as object).toMatchObject({ id: lena.id });

    const replay = await exchange(code);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('hides email without the scope and rejects a wrong redirect_uri or secret', async () => {
    const code = new URL(sim.oauth.authorize({ userId: lena.id, url: authorizeUrl('identify') })).searchParams.get('code') ?? '';
    expect((await exchange(code, 'http://127.0.0.1:9/elsewhere')).status).toBe(400);

    const { accessToken } = sim.oauth.issueToken(lena.id, ['identify']);
    const profile = (await (await me(accessToken)).json()) as Record<string, unknown>;
    expect(profile.username).toBe('lena');
    expect('email' in profile).toBe(false);
    expect((await me('not-a-token')).status).toBe(401);

    const badSecret = await fetch(`${sim.apiUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: REDIRECT, client_id: APP_ID, client_secret: 'wrong' }),
    });
    expect(badSecret.status).toBe(401);
  });

  it('refuses a redirect_uri the application has not registered, character for character, until it is added', async () => {
    const elsewhere = 'http://127.0.0.1:9/elsewhere';
    const unregistered = [elsewhere, `${REDIRECT}/`, REDIRECT.replace('http:', 'https:')];
    for (const redirectUri of unregistered) {
      const page = await fetch(authorizeUrl('identify', 'st4te', redirectUri));
      expect(page.status).toBe(400);
      expect(await page.json()).toEqual({ error: 'invalid_request', error_description: 'Invalid OAuth2 redirect_uri' });
      expect(() => sim.oauth.authorize({ userId: lena.id, url: authorizeUrl('identify', 'st4te', redirectUri) })).toThrow(
        `Discord shows "Invalid OAuth2 redirect_uri" and redirects nowhere: ${redirectUri} is not among the application's OAuth2 redirects (registered: ${REDIRECT})`,
      );
    }

    // Added in the Developer Portal while everything runs: the next sign-in goes through.
    sim.application.redirectUris.push(elsewhere);
    expect((await fetch(authorizeUrl('identify', 'st4te', elsewhere))).status).toBe(200);
    const redirect = new URL(sim.oauth.authorize({ userId: lena.id, url: authorizeUrl('identify', 'st4te', elsewhere) }));
    expect(redirect.origin + redirect.pathname).toBe(elsewhere);
    expect((await exchange(redirect.searchParams.get('code') ?? '', elsewhere)).status).toBe(200);

    // Removed again: refused again.
    sim.application.redirectUris = [];
    expect((await fetch(authorizeUrl('identify'))).status).toBe(400);
    expect(() => sim.oauth.authorize({ userId: lena.id, url: authorizeUrl('identify') })).toThrow('(registered: none)');
  });
});
