/**
 * The start-up check: before the bot takes its first interaction it asks, once, whether what it was
 * given works — the Discord token, the application it belongs to, the OAuth redirect behind PUBLIC_URL,
 * the Valentina API key and the companies it reaches, and Redis' durability — and prints one report.
 *
 * A finding is `fatal` when the bot could do nothing useful as configured (Discord or Valentina refuse
 * the credentials, DISCORD_CLIENT_ID names another application, Discord sends interactions to an
 * Interactions Endpoint URL instead of the gateway, Redis could lose data): start-up stops with the
 * report on stderr. Everything else is a `warning` (an upstream that could not be asked, the redirect
 * not reachable or not registered, a key that reaches no company yet): logged once, and the bot starts.
 * No secret is ever part of the report; upstream error text is reduced to a status or an error code.
 */
import { DiscordAPIError, type REST } from '@discordjs/rest';
import { Routes } from 'discord.js';
import { z } from 'zod';
import type { Config } from './config.js';
import { CALLBACK_MARKER_HEADER, redirectUri } from './identity/link-flow.js';
import type { Logger } from './logger.js';
import { ALLOW_VOLATILE_VARIABLE, RedisDurabilityError, type DurabilityVerdict } from './redis-durability.js';
import { ValentinaError, ValentinaNetworkError, ValentinaUnauthorizedError, type ValentinaClient } from './valentina/index.js';

/** How long each upstream gets to answer; the whole check takes at most about this long. */
export const SELF_CHECK_TIMEOUT_MS = 5_000;
/** The redirect probe is a request to ourselves (through the proxy): quicker. */
const REDIRECT_TIMEOUT_MS = 3_000;
const COMPANIES_SHOWN = 10;

export type Verdict = 'ok' | 'warning' | 'fatal' | 'skipped';

export interface Finding {
  /** Stable key, e.g. `discord_token`. */
  check: string;
  /** What was checked, as the report names it. */
  label: string;
  verdict: Verdict;
  detail: string;
}

export interface SelfCheckReport {
  findings: Finding[];
  fatal: boolean;
}

export interface SelfCheckDeps {
  config: Pick<Config, 'discord' | 'http' | 'redis'>;
  rest: Pick<REST, 'get'>;
  valentina: Pick<ValentinaClient, 'developers'>;
  /** The app's durability verification, already running (it waits for Redis to answer). */
  durability: Promise<DurabilityVerdict>;
  timeoutMs?: number;
}

const DiscordUser = z.object({ id: z.string(), username: z.string(), discriminator: z.string().optional() });
const DiscordApplication = z.object({
  id: z.string(),
  name: z.string(),
  redirect_uris: z.array(z.string()).optional(),
  interactions_endpoint_url: z.string().nullable().optional(),
});

class TimedOut extends Error {}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TimedOut()), ms)));
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/** A short reason for an error from an upstream: a status, an error code or a timeout — never its text. */
function reason(error: unknown, ms: number): string {
  if (error instanceof TimedOut) return `no answer within ${ms / 1000} s`;
  if (error instanceof DiscordAPIError) return `HTTP ${error.status}`;
  if (error instanceof ValentinaError && !(error instanceof ValentinaNetworkError)) return `HTTP ${error.status}${error.requestId ? `, request ${error.requestId}` : ''}`;
  if (error && typeof error === 'object' && 'status' in error && typeof error.status === 'number' && error.status > 0) return `HTTP ${error.status}`;
  let cause: unknown = error;
  for (let depth = 0; cause && typeof cause === 'object' && depth < 4; depth++) {
    if ('code' in cause && typeof cause.code === 'string') return cause.code;
    // fetch's own refusals carry no code, only a short message (e.g. "bad port": a port browsers refuse too).
    if (depth > 0 && !('cause' in cause && cause.cause) && 'message' in cause && typeof cause.message === 'string' && cause.message.length <= 40) return cause.message;
    cause = 'cause' in cause ? cause.cause : undefined;
  }
  return 'could not connect';
}

/** A URL as the report shows it: never with credentials in it. */
const shown = (url: string): string => {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
};

const finding = (check: string, label: string, verdict: Verdict, detail: string): Finding => ({ check, label, verdict, detail });

async function checkDiscord(deps: SelfCheckDeps, ms: number): Promise<Finding[]> {
  const { discord, http } = deps.config;
  let user: z.infer<typeof DiscordUser>;
  try {
    user = DiscordUser.parse(await within(deps.rest.get(Routes.user('@me')), ms));
  } catch (error) {
    const refused = error instanceof DiscordAPIError && error.status === 401;
    return [
      refused
        ? finding('discord_token', 'Discord token', 'fatal', 'DISCORD_TOKEN was refused by Discord (401 Unauthorized). Fix: Developer Portal → your application → Bot → Reset Token, and put the new token in DISCORD_TOKEN.')
        : finding('discord_token', 'Discord token', 'warning', `not checked: Discord could not be asked (${reason(error, ms)}) at ${shown(discord.restProxyUrl ?? discord.apiUrl)}.`),
      finding('discord_application', 'Discord application', 'skipped', 'not checked without a working DISCORD_TOKEN.'),
    ];
  }
  const found: Finding[] = [finding('discord_token', 'Discord token', 'ok', `valid: the bot is ${user.username} (id ${user.id}).`)];
  let app: z.infer<typeof DiscordApplication>;
  try {
    app = DiscordApplication.parse(await within(deps.rest.get(Routes.currentApplication()), ms));
  } catch (error) {
    found.push(finding('discord_application', 'Discord application', 'warning', `not checked: Discord could not be asked (${reason(error, ms)}).`));
    return found;
  }
  if (app.id !== discord.clientId) {
    found.push(
      finding('discord_application', 'Discord application', 'fatal',
        `DISCORD_CLIENT_ID is ${discord.clientId}, but DISCORD_TOKEN belongs to the application "${app.name}" (${app.id}). Fix: set DISCORD_CLIENT_ID=${app.id} (General Information → Application ID), or use the token of application ${discord.clientId}.`),
    );
    return found;
  }
  if (app.interactions_endpoint_url) {
    found.push(
      finding('discord_application', 'Discord application', 'fatal',
        `"${app.name}" has an Interactions Endpoint URL (${app.interactions_endpoint_url}), so Discord sends every slash command and button there instead of to the bot. Fix: clear it (General Information → Interactions Endpoint URL) and save.`),
    );
    return found;
  }
  found.push(finding('discord_application', 'Discord application', 'ok', `"${app.name}" (${app.id}) matches DISCORD_CLIENT_ID.`));
  // Discord compares the redirect_uri /link sends with the registered ones character for character.
  const sent = redirectUri(http.publicUrl);
  const redirect = shown(sent);
  if (app.redirect_uris && !app.redirect_uris.includes(sent)) {
    found.push(
      finding('oauth_redirect_registered', 'OAuth redirect registered', 'warning',
        `${redirect} is not among the application's OAuth2 redirects, so Discord refuses the sign-in of /link. Fix: add it under OAuth2 → Redirects (no restart needed).`),
    );
  } else if (app.redirect_uris) {
    found.push(finding('oauth_redirect_registered', 'OAuth redirect registered', 'ok', `${redirect} is registered with Discord.`));
  }
  return found;
}

async function checkRedirectReachable(deps: SelfCheckDeps): Promise<Finding> {
  const probe = redirectUri(deps.config.http.publicUrl);
  const url = shown(probe);
  const label = 'OAuth redirect reachable';
  const fix = `Fix: PUBLIC_URL must be the https address browsers reach, and the reverse proxy must pass ${new URL(url).pathname} to the bot's HTTP_PORT (docs/deploy.md).`;
  try {
    const response = await fetch(probe, { redirect: 'manual', signal: AbortSignal.timeout(REDIRECT_TIMEOUT_MS) });
    await response.arrayBuffer().catch(() => undefined);
    if (response.headers.get(CALLBACK_MARKER_HEADER) === 'oauth-callback') return finding('oauth_redirect_reachable', label, 'ok', `${url} answers with the bot's page.`);
    return finding('oauth_redirect_reachable', label, 'warning', `${url} answered HTTP ${response.status} but not with the bot's page: /link's sign-in would end there. ${fix}`);
  } catch (error) {
    const why = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${REDIRECT_TIMEOUT_MS / 1000} s` : reason(error, REDIRECT_TIMEOUT_MS);
    return finding('oauth_redirect_reachable', label, 'warning', `${url} could not be reached from the bot (${why}): /link's sign-in would fail there. ${fix}`);
  }
}

async function checkValentina(deps: SelfCheckDeps, ms: number): Promise<Finding> {
  const label = 'Valentina API key';
  try {
    const me = await within(deps.valentina.developers.me({ timeoutMs: ms, deadline: Date.now() + ms, maxWaitMs: 0 }), ms + 100);
    if (me.companies.length === 0) {
      return finding('valentina_key', label, 'warning',
        `valid (developer ${me.username}, id ${me.id}), but it reaches no company yet, so no server can be set up. Fix: an OWNER of your company grants this developer access (POST /companies/{id}/access with developer_id ${me.id} and permission USER), or create a company with the key.`);
    }
    const listed = [...me.companies].sort((a, b) => a.name.localeCompare(b.name)).slice(0, COMPANIES_SHOWN).map((c) => `${c.name} (${c.permission})`).join(', ');
    const more = me.companies.length > COMPANIES_SHOWN ? ` and ${me.companies.length - COMPANIES_SHOWN} more` : '';
    const count = me.companies.length === 1 ? '1 company' : `${me.companies.length} companies`;
    return finding('valentina_key', label, 'ok', `valid (developer ${me.username}); reaches ${count}: ${listed}${more}.`);
  } catch (error) {
    if (error instanceof ValentinaUnauthorizedError) {
      return finding('valentina_key', label, 'fatal',
        `VALENTINA_API_KEY was refused by Valentina (401${error.requestId ? `, request ${error.requestId}` : ''}). Fix: put the key Valentina issued in VALENTINA_API_KEY (it is shown once; POST /developers/me/new-key with a working key issues a new one).`);
    }
    return finding('valentina_key', label, 'warning', `not checked: Valentina could not be asked (${reason(error, ms)}).`);
  }
}

function redisWhere(config: SelfCheckDeps['config']): string {
  const redis = config.redis;
  if (redis.mode === 'standalone') return new URL(redis.url).host;
  return redis.mode === 'sentinel' ? `the primary of ${redis.name}` : 'the cluster';
}

async function checkRedis(deps: SelfCheckDeps, ms: number): Promise<Finding> {
  const label = 'Redis';
  try {
    const verdict = await within(deps.durability, ms);
    if (verdict.state === 'durable') return finding('redis', label, 'ok', `persistent and never evicts (${redisWhere(deps.config)}).`);
    return finding('redis', label, 'warning', `may lose data (${verdict.summary}); allowed by ${ALLOW_VOLATILE_VARIABLE}=true. Not for production.`);
  } catch (error) {
    if (error instanceof RedisDurabilityError) return finding('redis', label, 'fatal', error.message);
    if (error instanceof TimedOut) return finding('redis', label, 'warning', `not answering yet at ${redisWhere(deps.config)}: the bot waits for it and checks its persistence when it answers.`);
    return finding('redis', label, 'warning', `its persistence could not be read (${reason(error, ms)}).`);
  }
}

/** Runs every check at once; resolves within about `timeoutMs` whatever the upstreams do. */
export async function runSelfCheck(deps: SelfCheckDeps): Promise<SelfCheckReport> {
  const ms = deps.timeoutMs ?? SELF_CHECK_TIMEOUT_MS;
  const [discord, redirect, valentina, redis] = await Promise.all([checkDiscord(deps, ms), checkRedirectReachable(deps), checkValentina(deps, ms), checkRedis(deps, ms)]);
  const findings = [...discord, redirect, valentina, redis];
  return { findings, fatal: findings.some((f) => f.verdict === 'fatal') };
}

const MARK: Record<Verdict, string> = { ok: 'ok  ', warning: 'WARN', fatal: 'FAIL', skipped: 'skip' };

/** The report as text lines, one per finding. */
export function reportLines(report: SelfCheckReport): string[] {
  return report.findings.map((f) => `${MARK[f.verdict]} ${f.label}: ${f.detail}`);
}

export class SelfCheckError extends Error {
  override readonly name = 'SelfCheckError';
}

/** Logs the report once (info when all is well, warn with warnings); throws a {@link SelfCheckError} when fatal. */
export function settleSelfCheck(report: SelfCheckReport, logger: Logger): void {
  const lines = reportLines(report);
  if (report.fatal) {
    throw new SelfCheckError(['Start-up check failed: fix what is marked FAIL, then start the bot again.', ...lines.map((line) => `  ${line}`)].join('\n'));
  }
  const warnings = report.findings.filter((f) => f.verdict === 'warning').length;
  const checks = Object.fromEntries(report.findings.map((f) => [f.check, `${f.verdict}: ${f.detail}`]));
  if (warnings === 0) logger.info({ checks }, `start-up check: everything the bot needs works\n${lines.join('\n')}`);
  else logger.warn({ checks }, `start-up check: ${warnings === 1 ? '1 warning' : `${warnings} warnings`}; the bot starts anyway\n${lines.join('\n')}`);
}
