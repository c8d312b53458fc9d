/** Interaction callbacks and the interaction webhook (`@original`, follow-ups). */
import { z } from 'zod';
import type { SimContext } from '../context.js';
import { DiscordApiError, invalidFormBody, type RouteResult, type SimRequest, type SimRoute } from '../http.js';
import { LOADING_FLAG, type InteractionRecord } from '../interactions/registry.js';
import { autocompleteSchema, choiceViolations, modalSchema, modalViolations } from '../limits.js';
import { EPHEMERAL_FLAG, type SimMessage } from '../model.js';
import { createBotMessage, deleteMessage, editBotMessage, readMessagePayload, renderMessage } from '../outgoing.js';

const callbackSchema = z.looseObject({ type: z.number().int(), data: z.unknown().optional() });

const unknownInteraction = () => new DiscordApiError(404, 10062, 'Unknown interaction');
const unknownWebhook = () => new DiscordApiError(404, 10015, 'Unknown Webhook');
const unknownMessage = () => new DiscordApiError(404, 10008, 'Unknown Message');

/** Which callback types each interaction type accepts. */
const ALLOWED: Record<number, number[]> = {
  1: [1],
  2: [4, 5, 9],
  3: [4, 5, 6, 7, 9],
  4: [8],
  5: [4, 5, 6, 7],
};

function acknowledge(ctx: SimContext, record: InteractionRecord, type: number, req: SimRequest): Record<string, unknown> | null {
  const data = (req.json as { data?: unknown }).data;
  switch (type) {
    case 1:
      return null;
    case 4: {
      const payload = readMessagePayload(ctx, data, req.files, { requireBody: true });
      const message = createBotMessage(ctx, ctx.store.channel(record.channelId), payload, req.files, {
        interactionId: record.id,
        webhook: true,
      });
      record.originalMessageId = message.id;
      record.originalSettled = true;
      return payload;
    }
    case 5: {
      const flags = z.looseObject({ flags: z.number().int().nullish() }).safeParse(data ?? {});
      const ephemeral = (flags.success ? (flags.data.flags ?? 0) : 0) & EPHEMERAL_FLAG;
      const message = createBotMessage(ctx, ctx.store.channel(record.channelId), {}, [], {
        interactionId: record.id,
        webhook: true,
        flags: ephemeral | LOADING_FLAG,
      });
      record.originalMessageId = message.id;
      return { flags: ephemeral };
    }
    case 6:
      record.originalMessageId = record.sourceMessageId;
      return null;
    case 7: {
      const payload = readMessagePayload(ctx, data, req.files, { requireBody: false });
      const source = ctx.store.messages.get(record.sourceMessageId ?? '');
      if (!source) throw unknownMessage();
      editBotMessage(ctx, source, payload, req.files);
      record.originalMessageId = source.id;
      record.originalSettled = true;
      return payload;
    }
    case 8: {
      const parsed = autocompleteSchema.safeParse(data);
      if (!parsed.success) throw invalidFormBody('data.choices');
      const violations = choiceViolations(parsed.data.choices);
      if (violations.length) {
        ctx.violations.push(...violations);
        throw invalidFormBody(violations.map((v) => v.detail).join('; '));
      }
      return parsed.data;
    }
    case 9: {
      const parsed = modalSchema.safeParse(data);
      if (!parsed.success) throw invalidFormBody('data: a modal needs custom_id, title and components');
      const violations = modalViolations(parsed.data);
      if (violations.length) {
        ctx.violations.push(...violations);
        throw invalidFormBody(violations.map((v) => v.detail).join('; '));
      }
      return parsed.data;
    }
    default:
      throw invalidFormBody(`unsupported interaction callback type ${type}`);
  }
}

function callback(ctx: SimContext, req: SimRequest): RouteResult {
  const record = ctx.interactions.get(req.params.id ?? '');
  if (!record || record.token !== req.params.token) throw unknownInteraction();
  const parsed = callbackSchema.safeParse(req.json);
  if (!parsed.success) throw invalidFormBody('type: required');
  const elapsed = ctx.now() - record.createdAt;
  if (record.response !== null) {
    ctx.violations.push({ rule: 'double-acknowledge', detail: `${record.label}: callback type ${parsed.data.type} after type ${record.response.type}` });
    throw new DiscordApiError(400, 40060, 'Interaction has already been acknowledged.');
  }
  if (elapsed > ctx.config.initialResponseDeadlineMs) {
    if (!record.deadlineMissed) {
      ctx.violations.push({ rule: 'initial-response-deadline', detail: `${record.label}: callback after ${elapsed} ms` });
    }
    record.deadlineMissed = true;
    throw unknownInteraction();
  }
  if (!(ALLOWED[record.type] ?? []).includes(parsed.data.type)) {
    ctx.violations.push({ rule: 'callback-type', detail: `${record.label}: callback type ${parsed.data.type} is not valid here` });
    throw new DiscordApiError(400, 50035, 'Invalid Form Body', { type: { _errors: [{ code: 'INTERACTION_CALLBACK_TYPE_INVALID' }] } });
  }
  const data = acknowledge(ctx, record, parsed.data.type, req);
  record.response = { type: parsed.data.type, data };
  ctx.interactions.changed(record);
  if (req.query.get('with_response') !== 'true') return { status: 204 };
  const message = ctx.store.messages.get(record.originalMessageId ?? '');
  return {
    status: 200,
    body: {
      interaction: {
        id: record.id,
        type: record.type,
        activity_instance_id: null,
        response_message_id: message?.id ?? null,
        response_message_loading: message ? (message.flags & LOADING_FLAG) !== 0 : null,
        response_message_ephemeral: message ? (message.flags & EPHEMERAL_FLAG) !== 0 : null,
      },
      resource: { type: parsed.data.type, ...(message ? { message: renderMessage(ctx, message) } : {}) },
    },
  };
}

function webhookRecord(ctx: SimContext, req: SimRequest): InteractionRecord {
  const record = ctx.interactions.byToken(req.params.token ?? '');
  if (!record || req.params.app !== ctx.config.applicationId) throw unknownWebhook();
  if (ctx.now() - record.createdAt > ctx.config.interactionTokenTtlMs) {
    ctx.violations.push({ rule: 'interaction-token-expired', detail: `${record.label}: webhook used after ${ctx.now() - record.createdAt} ms` });
    throw new DiscordApiError(401, 50027, 'Invalid Webhook Token');
  }
  return record;
}

function webhookMessage(ctx: SimContext, record: InteractionRecord, id: string): SimMessage {
  if (record.response === null) {
    ctx.violations.push({ rule: 'webhook-before-ack', detail: `${record.label}: webhook message used before the interaction was acknowledged` });
    throw unknownWebhook();
  }
  const messageId = id === '@original' ? record.originalMessageId : id;
  const message = messageId === null ? undefined : ctx.store.messages.get(messageId);
  const owned = message && (message.id === record.originalMessageId || record.followUpIds.includes(message.id));
  if (!message || message.deleted || !owned) throw unknownMessage();
  return message;
}

function editOriginal(ctx: SimContext, req: SimRequest): RouteResult {
  const record = webhookRecord(ctx, req);
  const message = webhookMessage(ctx, record, req.params.message ?? '');
  const payload = readMessagePayload(ctx, req.json, req.files, { requireBody: false });
  editBotMessage(ctx, message, payload, req.files);
  if (message.id === record.originalMessageId) {
    message.flags &= ~LOADING_FLAG;
    record.originalSettled = true;
  }
  ctx.interactions.changed(record);
  return { status: 200, body: renderMessage(ctx, message) };
}

function followUp(ctx: SimContext, req: SimRequest): RouteResult {
  const record = webhookRecord(ctx, req);
  if (record.response === null) {
    ctx.violations.push({ rule: 'webhook-before-ack', detail: `${record.label}: follow-up sent before the interaction was acknowledged` });
    throw unknownWebhook();
  }
  if (record.response.type === 9) {
    // A form is the whole answer to its interaction: what the user does next arrives as the form's submission.
    ctx.violations.push({ rule: 'followup-after-modal', detail: `${record.label}: follow-up sent after the interaction was answered with a form` });
    throw unknownWebhook();
  }
  const payload = readMessagePayload(ctx, req.json, req.files, { requireBody: true });
  const original = ctx.store.messages.get(record.originalMessageId ?? '');
  // As on Discord, the first follow-up after a deferred reply fills in the loading message (unless it was deleted).
  if (record.response.type === 5 && original && !original.deleted && !record.originalSettled) {
    editBotMessage(ctx, original, payload, req.files);
    original.flags &= ~LOADING_FLAG;
    record.originalSettled = true;
    ctx.interactions.changed(record);
    return { status: 200, body: renderMessage(ctx, original) };
  }
  const message = createBotMessage(ctx, ctx.store.channel(record.channelId), payload, req.files, {
    interactionId: record.id,
    webhook: true,
  });
  record.followUpIds.push(message.id);
  ctx.interactions.changed(record);
  return { status: 200, body: renderMessage(ctx, message) };
}

export function interactionRoutes(ctx: SimContext): SimRoute[] {
  const base = '/webhooks/:app/:token';
  return [
    { method: 'POST', pattern: '/interactions/:id/:token/callback', auth: 'none', handle: (req) => callback(ctx, req) },
    { method: 'POST', pattern: base, auth: 'none', handle: (req) => followUp(ctx, req) },
    {
      method: 'GET',
      pattern: `${base}/messages/:message`,
      auth: 'none',
      handle: (req) => ({ status: 200, body: renderMessage(ctx, webhookMessage(ctx, webhookRecord(ctx, req), req.params.message ?? '')) }),
    },
    { method: 'PATCH', pattern: `${base}/messages/:message`, auth: 'none', handle: (req) => editOriginal(ctx, req) },
    {
      method: 'DELETE',
      pattern: `${base}/messages/:message`,
      auth: 'none',
      handle: (req) => {
        const record = webhookRecord(ctx, req);
        deleteMessage(ctx, webhookMessage(ctx, record, req.params.message ?? ''));
        ctx.interactions.changed(record);
        return { status: 204 };
      },
    },
  ];
}
