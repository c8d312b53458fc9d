/** Gateway discovery, users, applications, guild and channel reads, DM channel creation. */
import { PermissionFlagsBits } from 'discord.js';
import { z } from 'zod';
import type { SimContext } from '../context.js';
import { DiscordApiError, invalidFormBody, type SimRequest, type SimRoute } from '../http.js';
import type { SimChannel, SimGuild } from '../model.js';
import { apiChannel, apiGuild, apiMember, apiRole, apiUser } from '../serialize.js';

export const unknownGuild = () => new DiscordApiError(404, 10004, 'Unknown Guild');
export const unknownChannel = () => new DiscordApiError(404, 10003, 'Unknown Channel');
const unknownUser = () => new DiscordApiError(404, 10013, 'Unknown User');
const unknownMember = () => new DiscordApiError(404, 10007, 'Unknown Member');
/** What Discord answers about a server (or its channels) the bot is not in, or a channel it cannot see. */
const missingAccess = () => new DiscordApiError(403, 50001, 'Missing Access');

export function guildParam(ctx: SimContext, req: SimRequest): SimGuild {
  const guild = ctx.store.guilds.get(req.params.guild ?? '');
  if (!guild) throw unknownGuild();
  if (!ctx.store.hasBot(guild.id)) throw missingAccess();
  return guild;
}

/** A channel the bot can see: DM channels and guild channels it has ViewChannel in. */
export function channelParam(ctx: SimContext, req: SimRequest): SimChannel {
  const channel = ctx.store.channels.get(req.params.channel ?? '');
  if (!channel) throw unknownChannel();
  if (channel.guildId && (!channel.bot.botCanView || !ctx.store.hasBot(channel.guildId))) throw missingAccess();
  return channel;
}

const dmSchema = z.looseObject({ recipient_id: z.string() });
const snowflakeParam = z.string().regex(/^\d{17,20}$/, 'Value is not snowflake.');
const auditQuerySchema = z.looseObject({
  action_type: z.coerce.number().int().min(1).optional(),
  user_id: snowflakeParam.optional(),
  before: snowflakeParam.optional(),
  after: snowflakeParam.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});

export function coreRoutes(ctx: SimContext): SimRoute[] {
  const { store } = ctx;
  const application = () => ({
    id: ctx.config.applicationId,
    name: store.user(store.botUserId).username,
    icon: null,
    description: '',
    bot_public: true,
    bot_require_code_grant: false,
    flags: 0,
    bot: apiUser(store.user(store.botUserId)),
    owner: apiUser(store.user(store.botUserId)),
    verify_key: '0'.repeat(64),
    team: null,
    approximate_guild_count: store.guilds.size,
    install_params: { scopes: ['bot', 'applications.commands'], permissions: '0' },
    redirect_uris: [...ctx.application.redirectUris],
    interactions_endpoint_url: ctx.application.interactionsEndpointUrl,
    role_connections_verification_url: null,
    integration_types_config: { '0': {} },
  });
  return [
    { method: 'GET', pattern: '/gateway', auth: 'none', handle: () => ({ status: 200, body: { url: ctx.gateway.url } }) },
    {
      method: 'GET',
      pattern: '/gateway/bot',
      auth: 'bot',
      handle: () => ({
        status: 200,
        body: {
          url: ctx.gateway.url,
          shards: 1,
          session_start_limit: { total: 1000, remaining: Math.max(0, 1000 - ctx.gateway.identifyCount), reset_after: 86_400_000, max_concurrency: 1 },
        },
      }),
    },
    {
      method: 'GET',
      pattern: '/users/@me',
      auth: 'either',
      handle: (req) => {
        if (req.auth?.kind === 'bearer') return { status: 200, body: ctx.oauth.userForToken(req.auth.token) };
        return { status: 200, body: { ...apiUser(store.user(store.botUserId)), verified: true, mfa_enabled: false, email: null, locale: 'en-US' } };
      },
    },
    {
      method: 'GET',
      pattern: '/users/:user',
      auth: 'bot',
      handle: (req) => {
        const user = store.users.get(req.params.user ?? '');
        if (!user) throw unknownUser();
        return { status: 200, body: apiUser(user) };
      },
    },
    {
      method: 'POST',
      pattern: '/users/@me/channels',
      auth: 'bot',
      handle: (req) => {
        const parsed = dmSchema.safeParse(req.json);
        if (!parsed.success) throw invalidFormBody('recipient_id: required');
        if (!store.users.has(parsed.data.recipient_id)) throw unknownUser();
        return { status: 200, body: apiChannel(store, store.dmChannelFor(parsed.data.recipient_id)) };
      },
    },
    { method: 'GET', pattern: '/applications/@me', auth: 'bot', handle: () => ({ status: 200, body: application() }) },
    { method: 'GET', pattern: '/oauth2/applications/@me', auth: 'bot', handle: () => ({ status: 200, body: application() }) },
    {
      method: 'GET',
      pattern: '/guilds/:guild',
      auth: 'bot',
      handle: (req) => {
        const guild = guildParam(ctx, req);
        const counts = req.query.get('with_counts') === 'true';
        const members = store.membersOf(guild.id).length;
        return {
          status: 200,
          body: { ...apiGuild(store, guild), ...(counts ? { approximate_member_count: members, approximate_presence_count: 0 } : {}) },
        };
      },
    },
    {
      // List Guild Members: sorted by user id, paged with `after`; needs the Server Members Intent switch.
      method: 'GET',
      pattern: '/guilds/:guild/members',
      auth: 'bot',
      handle: (req) => {
        const guild = guildParam(ctx, req);
        if (!ctx.config.serverMembersIntent) throw new DiscordApiError(403, 50001, 'Missing Access');
        const limit = req.query.get('limit') ?? '1';
        const after = req.query.get('after') ?? '0';
        if (!/^\d+$/.test(limit) || Number(limit) < 1 || Number(limit) > 1000) throw invalidFormBody('limit: int value should be less than or equal to 1000.');
        if (!/^\d+$/.test(after)) throw invalidFormBody('after: Value "' + after + '" is not snowflake.');
        const members = store
          .membersOf(guild.id)
          .filter((m) => BigInt(m.userId) > BigInt(after))
          .sort((a, b) => (BigInt(a.userId) < BigInt(b.userId) ? -1 : 1))
          .slice(0, Number(limit));
        return { status: 200, body: members.map((m) => apiMember(store, m)) };
      },
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild/members/:user',
      auth: 'bot',
      handle: (req) => {
        const guild = guildParam(ctx, req);
        const member = store.members.get(`${guild.id}:${req.params.user ?? ''}`);
        if (!member) throw unknownMember();
        return { status: 200, body: apiMember(store, member) };
      },
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild/channels',
      auth: 'bot',
      handle: (req) => ({
        status: 200,
        body: guildParam(ctx, req).channelIds.map((id) => apiChannel(store, store.channel(id))),
      }),
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild/roles',
      auth: 'bot',
      handle: (req) => ({
        status: 200,
        body: guildParam(ctx, req).roleIds.flatMap((id) => {
          const role = store.roles.get(id);
          return role ? [apiRole(role, store.botUserId)] : [];
        }),
      }),
    },
    {
      method: 'GET',
      pattern: '/guilds/:guild/audit-logs',
      auth: 'bot',
      handle: (req) => {
        const guild = guildParam(ctx, req);
        if (!(store.guildPermissions(guild.id, store.botUserId) & PermissionFlagsBits.ViewAuditLog)) {
          throw new DiscordApiError(403, 50013, 'Missing Permissions');
        }
        const query = auditQuerySchema.safeParse(Object.fromEntries(req.query));
        if (!query.success) throw invalidFormBody(query.error.issues[0]?.message ?? 'invalid query');
        const { action_type: type, user_id: userId, before, after, limit } = query.data;
        const entries = store.auditLog
          .filter((e) => e.guildId === guild.id && (type === undefined || e.actionType === type) && (userId === undefined || e.userId === userId))
          .filter((e) => (before === undefined || BigInt(e.id) < BigInt(before)) && (after === undefined || BigInt(e.id) > BigInt(after)))
          .reverse()
          .slice(0, limit);
        const users = [...new Set(entries.flatMap((e) => [e.userId, e.targetId]))].map((id) => apiUser(store.user(id)));
        return {
          status: 200,
          body: {
            audit_log_entries: entries.map((e) => ({ id: e.id, user_id: e.userId, target_id: e.targetId, action_type: e.actionType, changes: [] })),
            users,
            integrations: [],
            webhooks: [],
            application_commands: [],
            auto_moderation_rules: [],
            guild_scheduled_events: [],
            threads: [],
          },
        };
      },
    },
    { method: 'GET', pattern: '/channels/:channel', auth: 'bot', handle: (req) => ({ status: 200, body: apiChannel(store, channelParam(ctx, req)) }) },
  ];
}
