/**
 * What happens when the bot joins or leaves a server.
 *
 * Joined: one short welcome saying how to connect the server (`/setup connect`, or `/setup restore`
 * when an earlier binding is archived), sent by DM to whoever added the bot when the bot may read the
 * audit log (its BOT_ADD entry; the bot does not ask for View Audit Log, so only where a server admin
 * granted it), else posted in the server's system messages channel, else in the first text channel the
 * bot may post in. discord.js reports a join (`guildCreate`) only for a server
 * that was not in its cache once connected — the GUILD_CREATEs of a start-up or of a new session are
 * `guildAvailable` — and the welcome is claimed in Redis per server and `joined_at`, so it goes out
 * once per join however many processes or sessions see it. A join older than {@link JOIN_WINDOW_MS}
 * (an old server seen anew) is not welcomed.
 *
 * Removed (GUILD_DELETE without `unavailable`): the binding is archived, not deleted (see
 * `GuildBindingStore.archive`); deliveries still queued for its channels are refused by Discord and
 * dropped by the delivery worker.
 */
import { AuditLogEvent, ChannelType, PermissionFlagsBits, type Guild, type GuildBasedChannel } from 'discord.js';
import type { BotDeps } from '../discord/types.js';
import { loggableError } from '../discord/errors.js';
import type { ArchivedBinding } from './guild-binding.js';

/** A GUILD_CREATE whose `joined_at` is older than this is not a fresh join. */
export const JOIN_WINDOW_MS = 10 * 60_000;
/** How long the claim of a welcome is kept (longer than any delivery retry). */
const WELCOME_CLAIM_SECONDS = 30 * 24 * 3600;

const POST = [PermissionFlagsBits.ViewChannel, PermissionFlagsBits.SendMessages] as const;

type LifecycleDeps = Pick<BotDeps, 'redis' | 'keys' | 'bindings' | 'deliveries' | 'logger'>;

/** Where the welcome goes: the system messages channel if the bot may post there, else the first text channel it may post in. */
export function welcomeChannel(guild: Guild): string | null {
  const me = guild.members.me;
  if (!me) return null;
  const canPost = (channel: GuildBasedChannel | null): boolean =>
    channel !== null && channel.type === ChannelType.GuildText && channel.permissionsFor(me).has(POST);
  if (canPost(guild.systemChannel)) return guild.systemChannelId;
  const texts = [...guild.channels.cache.values()].filter((channel) => channel.type === ChannelType.GuildText);
  texts.sort((a, b) => a.rawPosition - b.rawPosition || (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  return texts.find(canPost)?.id ?? null;
}

/**
 * Who added the bot, from the audit log's BOT_ADD entry of this join; null when the bot may not read the
 * audit log or finds no entry close to `joinedAt`.
 */
export async function whoAddedMe(guild: Guild, joinedAt: number): Promise<string | null> {
  if (!guild.members.me?.permissions.has(PermissionFlagsBits.ViewAuditLog)) return null;
  const log = await guild.fetchAuditLogs({ type: AuditLogEvent.BotAdd, limit: 10 }).catch(() => null);
  const entry = log?.entries.find((e) => e.targetId === guild.client.user.id && Math.abs(e.createdTimestamp - joinedAt) <= JOIN_WINDOW_MS);
  return entry?.executorId ?? null;
}

/** The welcome's text; `archived` when the server was connected before the bot was removed. */
export function welcomeText(guildName: string, archived: ArchivedBinding | null): string {
  const intro = `Thanks for adding me to **${guildName}**! I connect this server to a company in Valentina Noir: players link their accounts with \`/link\`, storytellers grant experience with \`/xp\` and \`/cp\`, everyone rolls their quickrolls with \`/quickroll\` and keeps notes by DM.`;
  const next = archived
    ? `**Welcome back.** This server was connected to **${archived.binding.companyName}** before I was removed; those settings are kept until ${archived.expiresAt.slice(0, 10)}. A server manager who is an admin of that company in Valentina can bring them back with \`/setup restore\`, or start anew with \`/setup connect\`.`
    : '**To get started**, a server manager who is an admin of your company in Valentina runs `/setup connect` and picks the channel where new players wait for approval.';
  return `${intro}\n\n${next}\n\n\`/help\` lists every command and who may use it; \`/status\` says whether everything is running.`;
}

/** The bot joined `guild` (discord.js `guildCreate`): welcomes it once. Never throws. */
export async function welcomeJoinedGuild(guild: Guild, deps: LifecycleDeps, now: number = Date.now()): Promise<'sent' | 'not-fresh' | 'claimed' | 'nowhere'> {
  const log = deps.logger.child({ guildId: guild.id });
  const joinedAt = guild.joinedTimestamp;
  if (now - joinedAt > JOIN_WINDOW_MS) {
    log.info({ joinedAt: new Date(joinedAt).toISOString() }, 'server seen anew, joined earlier: no welcome');
    return 'not-fresh';
  }
  try {
    const claimed = await deps.redis.set(deps.keys.identity.welcomeClaim(guild.id, joinedAt), '1', 'EX', WELCOME_CLAIM_SECONDS, 'NX');
    if (claimed === null) return 'claimed';
    const adder = await whoAddedMe(guild, joinedAt);
    const channelId = adder ? null : welcomeChannel(guild);
    const to = adder ? ({ kind: 'dm', userId: adder } as const) : channelId ? ({ kind: 'channel', channelId } as const) : null;
    if (!to) {
      log.warn('joined a server but may post in none of its text channels; no welcome sent');
      return 'nowhere';
    }
    const archived = await deps.bindings.archived(guild.id);
    const message = { content: welcomeText(guild.name, archived), allowed_mentions: { parse: [] } };
    await deps.deliveries.enqueue(`guild-welcome:${guild.id}:${joinedAt}`, { ...to, message });
    log.info({ to: adder ? 'whoever added the bot' : channelId, archived: archived !== null }, 'joined a server; welcome queued');
    return 'sent';
  } catch (error) {
    log.error({ err: loggableError(error) }, 'could not welcome a joined server');
    return 'nowhere';
  }
}

/** The bot was removed from `guild` (GUILD_DELETE without `unavailable`): archives its binding. Never throws. */
export async function archiveRemovedGuild(guildId: string, deps: LifecycleDeps): Promise<void> {
  try {
    const archived = await deps.bindings.archive(guildId);
    if (archived) {
      deps.logger.info({ guildId, companyId: archived.binding.companyId, keptUntil: archived.expiresAt }, 'removed from a server; its binding is archived');
    } else {
      deps.logger.info({ guildId }, 'removed from a server that was not set up');
    }
  } catch (error) {
    deps.logger.error({ guildId, err: loggableError(error) }, 'removed from a server but could not archive its binding');
  }
}
