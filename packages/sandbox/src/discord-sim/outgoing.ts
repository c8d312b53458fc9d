/** Messages the bot sends or edits: validation against Discord's limits, attachments, gateway echo. */
import { messagePayloadSchema, messageViolations, type MessagePayload } from './limits.js';
import { DiscordApiError, invalidFormBody, type UploadedFile } from './http.js';
import { EPHEMERAL_FLAG, type SimAttachment, type SimChannel, type SimEmbed, type SimMessage } from './model.js';
import { apiMessage } from './serialize.js';
import type { SimContext } from './context.js';

/** Parses a bot's message body; records and rejects breaches of Discord's limits. */
export function readMessagePayload(
  ctx: SimContext,
  body: unknown,
  files: UploadedFile[],
  options: { requireBody: boolean },
): MessagePayload {
  const parsed = messagePayloadSchema.safeParse(body ?? {});
  if (!parsed.success) throw invalidFormBody(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const violations = messageViolations(parsed.data, { requireBody: options.requireBody, fileCount: files.length });
  if (violations.length > 0) {
    ctx.violations.push(...violations);
    if (violations.every((v) => v.rule === 'empty-message')) throw new DiscordApiError(400, 50006, 'Cannot send an empty message');
    throw invalidFormBody(violations.map((v) => v.detail).join('; '));
  }
  return parsed.data;
}

function fileIndex(field: string): string {
  return /^files\[(\w+)\]$/.exec(field)?.[1] ?? field.replace(/^file/, '');
}

function newAttachments(ctx: SimContext, payload: MessagePayload, files: UploadedFile[], channelId: string): SimAttachment[] {
  return files.map((file) => {
    const id = ctx.nextId();
    const declared = payload.attachments?.find((a) => String(a.id) === fileIndex(file.field));
    const filename = declared?.filename ?? file.filename;
    return {
      id,
      filename,
      contentType: file.contentType,
      size: file.data.length,
      description: declared?.description ?? null,
      data: file.data,
      url: `${ctx.origin()}/attachments/${channelId}/${id}/${encodeURIComponent(filename)}`,
    };
  });
}

export interface NewMessageExtras {
  interactionId?: string | null;
  webhook?: boolean;
  flags?: number;
}

export function createBotMessage(
  ctx: SimContext,
  channel: SimChannel,
  payload: MessagePayload,
  files: UploadedFile[],
  extras: NewMessageExtras = {},
): SimMessage {
  const message: SimMessage = {
    id: ctx.nextId(),
    channelId: channel.id,
    guildId: channel.guildId,
    authorId: ctx.store.botUserId,
    content: payload.content ?? '',
    embeds: (payload.embeds ?? []) as SimEmbed[],
    components: payload.components ?? [],
    flags: extras.flags ?? payload.flags ?? 0,
    attachments: newAttachments(ctx, payload, files, channel.id),
    timestamp: new Date(ctx.now()).toISOString(),
    editedTimestamp: null,
    nonce: payload.nonce === undefined || payload.nonce === null ? null : String(payload.nonce),
    interactionId: extras.interactionId ?? null,
    webhookId: extras.webhook ? ctx.config.applicationId : null,
    referencedMessageId: payload.message_reference?.message_id ?? null,
    deleted: false,
  };
  ctx.store.addMessage(message);
  if (!(message.flags & EPHEMERAL_FLAG)) ctx.gateway.dispatchMessage('MESSAGE_CREATE', message);
  return message;
}

/** Applies an edit (PATCH) to a message: only the fields present change. */
export function editBotMessage(ctx: SimContext, message: SimMessage, payload: MessagePayload, files: UploadedFile[]): SimMessage {
  if (payload.content !== undefined) message.content = payload.content ?? '';
  if (payload.embeds !== undefined) message.embeds = (payload.embeds ?? []) as SimEmbed[];
  if (payload.components !== undefined) message.components = payload.components ?? [];
  if (payload.flags !== undefined && payload.flags !== null) {
    message.flags = (message.flags & EPHEMERAL_FLAG) | (payload.flags & ~EPHEMERAL_FLAG);
  }
  const kept =
    payload.attachments === undefined || payload.attachments === null
      ? message.attachments
      : message.attachments.filter((a) => payload.attachments?.some((k) => String(k.id) === a.id));
  message.attachments = [...kept, ...newAttachments(ctx, payload, files, message.channelId)];
  message.editedTimestamp = new Date(ctx.now()).toISOString();
  ctx.store.updateMessage(message);
  if (!(message.flags & EPHEMERAL_FLAG)) ctx.gateway.dispatchMessage('MESSAGE_UPDATE', message);
  return message;
}

export function deleteMessage(ctx: SimContext, message: SimMessage): void {
  message.deleted = true;
  ctx.store.updateMessage(message);
  if (!(message.flags & EPHEMERAL_FLAG)) {
    ctx.gateway.dispatchTo(message.guildId, 'MESSAGE_DELETE', {
      id: message.id,
      channel_id: message.channelId,
      ...(message.guildId ? { guild_id: message.guildId } : {}),
    }, message.guildId ? 1 << 9 : 1 << 12);
  }
}

export function renderMessage(ctx: SimContext, message: SimMessage): Record<string, unknown> {
  return apiMessage(ctx.store, message, ctx.config.applicationId);
}
