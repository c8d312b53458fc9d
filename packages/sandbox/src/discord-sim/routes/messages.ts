/** Channel messages (with nonce dedupe), typing and reactions. */
import { PermissionFlagsBits } from 'discord.js';
import type { SimContext } from '../context.js';
import { DiscordApiError, type SimRequest, type SimRoute } from '../http.js';
import type { SimChannel, SimMessage } from '../model.js';
import { createBotMessage, deleteMessage, editBotMessage, readMessagePayload, renderMessage } from '../outgoing.js';
import { channelParam } from './core.js';

const unknownMessage = () => new DiscordApiError(404, 10008, 'Unknown Message');

function messageParam(ctx: SimContext, channel: SimChannel, req: SimRequest): SimMessage {
  const message = ctx.store.messages.get(req.params.message ?? '');
  if (!message || message.deleted || message.channelId !== channel.id) throw unknownMessage();
  return message;
}

function requireSend(ctx: SimContext, channel: SimChannel): void {
  if (channel.guildId === null) return;
  const permissions = ctx.store.channelPermissions(channel, ctx.store.botUserId);
  if (!(permissions & PermissionFlagsBits.SendMessages)) throw new DiscordApiError(403, 50013, 'Missing Permissions');
}

/** Remembers `nonce` → message per channel for `enforce_nonce`. */
export class NonceLedger {
  readonly #seen = new Map<string, { messageId: string; at: number }>();

  constructor(private readonly windowMs: number) {}

  find(channelId: string, nonce: string, now: number): string | undefined {
    const entry = this.#seen.get(`${channelId}:${nonce}`);
    return entry && now - entry.at <= this.windowMs ? entry.messageId : undefined;
  }

  remember(channelId: string, nonce: string, messageId: string, now: number): void {
    this.#seen.set(`${channelId}:${nonce}`, { messageId, at: now });
  }
}

export function messageRoutes(ctx: SimContext): SimRoute[] {
  const nonces = new NonceLedger(ctx.config.nonceWindowMs);
  const { store } = ctx;
  return [
    {
      method: 'POST',
      pattern: '/channels/:channel/messages',
      auth: 'bot',
      handle: (req) => {
        const channel = channelParam(ctx, req);
        requireSend(ctx, channel);
        const payload = readMessagePayload(ctx, req.json, req.files, { requireBody: true });
        const nonce = payload.nonce === undefined || payload.nonce === null ? null : String(payload.nonce);
        if (nonce !== null && payload.enforce_nonce) {
          const existing = store.messages.get(nonces.find(channel.id, nonce, ctx.now()) ?? '');
          if (existing) return { status: 200, body: renderMessage(ctx, existing) };
        }
        const canEmbed = channel.guildId === null || (store.channelPermissions(channel, store.botUserId) & PermissionFlagsBits.EmbedLinks) !== 0n;
        // Without Embed Links, Discord delivers the message but drops its embeds.
        const message = createBotMessage(ctx, channel, canEmbed ? payload : { ...payload, embeds: [] }, req.files);
        if (nonce !== null) nonces.remember(channel.id, nonce, message.id, ctx.now());
        return { status: 200, body: renderMessage(ctx, message) };
      },
    },
    {
      method: 'GET',
      pattern: '/channels/:channel/messages',
      auth: 'bot',
      handle: (req) => {
        const channel = channelParam(ctx, req);
        const limit = Math.min(100, Math.max(1, Number(req.query.get('limit') ?? 50) || 50));
        const before = req.query.get('before');
        const after = req.query.get('after');
        const list = store
          .channelMessages(channel.id)
          .filter((m) => !m.interactionId || !(m.flags & (1 << 6)))
          .filter((m) => (before ? BigInt(m.id) < BigInt(before) : true) && (after ? BigInt(m.id) > BigInt(after) : true))
          .reverse()
          .slice(0, limit);
        return { status: 200, body: list.map((m) => renderMessage(ctx, m)) };
      },
    },
    {
      method: 'GET',
      pattern: '/channels/:channel/messages/:message',
      auth: 'bot',
      handle: (req) => ({ status: 200, body: renderMessage(ctx, messageParam(ctx, channelParam(ctx, req), req)) }),
    },
    {
      method: 'PATCH',
      pattern: '/channels/:channel/messages/:message',
      auth: 'bot',
      handle: (req) => {
        const message = messageParam(ctx, channelParam(ctx, req), req);
        if (message.authorId !== store.botUserId) throw new DiscordApiError(403, 50005, 'Cannot edit a message authored by another user');
        const payload = readMessagePayload(ctx, req.json, req.files, { requireBody: false });
        return { status: 200, body: renderMessage(ctx, editBotMessage(ctx, message, payload, req.files)) };
      },
    },
    {
      method: 'DELETE',
      pattern: '/channels/:channel/messages/:message',
      auth: 'bot',
      handle: (req) => {
        const channel = channelParam(ctx, req);
        const message = messageParam(ctx, channel, req);
        const canManage = channel.guildId !== null && (store.channelPermissions(channel, store.botUserId) & PermissionFlagsBits.ManageMessages) !== 0n;
        if (message.authorId !== store.botUserId && !canManage) throw new DiscordApiError(403, 50013, 'Missing Permissions');
        deleteMessage(ctx, message);
        return { status: 204 };
      },
    },
    {
      method: 'POST',
      pattern: '/channels/:channel/typing',
      auth: 'bot',
      handle: (req) => {
        requireSend(ctx, channelParam(ctx, req));
        return { status: 204 };
      },
    },
    {
      method: 'PUT',
      pattern: '/channels/:channel/messages/:message/reactions/:emoji/@me',
      auth: 'bot',
      handle: (req) => {
        const message = messageParam(ctx, channelParam(ctx, req), req);
        const byEmoji = store.reactions.get(message.id) ?? new Map<string, string[]>();
        store.reactions.set(message.id, byEmoji);
        const emoji = req.params.emoji ?? '';
        const users = byEmoji.get(emoji) ?? [];
        if (!users.includes(store.botUserId)) users.push(store.botUserId);
        byEmoji.set(emoji, users);
        return { status: 204 };
      },
    },
    {
      method: 'DELETE',
      pattern: '/channels/:channel/messages/:message/reactions/:emoji/@me',
      auth: 'bot',
      handle: (req) => {
        const message = messageParam(ctx, channelParam(ctx, req), req);
        const users = store.reactions.get(message.id)?.get(req.params.emoji ?? '');
        const index = users?.indexOf(store.botUserId) ?? -1;
        if (users && index >= 0) users.splice(index, 1);
        return { status: 204 };
      },
    },
  ];
}
