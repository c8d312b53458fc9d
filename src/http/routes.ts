/**
 * HTTP routes features mount on the bot's public server (processes with the `http` role). /healthz,
 * /readyz and /metrics are not among them: they have a server of their own (OPS_HTTP_PORT, see
 * app.ts), so nothing an operator reads is exposed where the OAuth callback is. Append an entry per route.
 */
import type { BotDeps } from '../discord/types.js';
import { CALLBACK_MARKER_HEADER, handleOAuthCallback, OAUTH_CALLBACK_PATH } from '../identity/link-flow.js';
import { renderLinkPage } from '../identity/link-page.js';
import { onAccountCreated } from '../identity/hooks.js';
import type { HttpMethod, RouteHandler } from './server.js';

export interface HttpRouteModule {
  method: HttpMethod;
  path: string;
  handler(deps: BotDeps): RouteHandler;
}

export const httpRoutes: HttpRouteModule[] = [
  {
    method: 'GET',
    path: OAUTH_CALLBACK_PATH,
    handler: (deps) => async (request) => {
      const page = await handleOAuthCallback(request.url.searchParams, {
        discord: {
          apiUrl: deps.config.discord.apiUrl,
          clientId: deps.config.discord.clientId,
          clientSecret: deps.config.discord.clientSecret,
          applicationId: deps.config.discord.clientId,
        },
        publicUrl: deps.config.http.publicUrl,
        states: deps.oauthStates,
        resolver: deps.resolver,
        valentina: deps.valentina,
        redis: deps.redis,
        keys: deps.keys.identity,
        logger: deps.logger.child({ component: 'link' }),
        rest: deps.rest,
        onCreated: (user, state) => onAccountCreated(user, state, deps),
      });
      return {
        status: page.status,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
          // Tells the start-up check (src/self-check.ts) that PUBLIC_URL leads to this page, not to another server.
          [CALLBACK_MARKER_HEADER]: 'oauth-callback',
        },
        body: renderLinkPage(page),
      };
    },
  },
];
