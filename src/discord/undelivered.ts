/**
 * An answer Discord would not take, after the work behind it was done: it goes to the delivery queue
 * (retried with backoff, posted once), to the channel when it was public, else to the user's DMs, so
 * the user learns the outcome without being asked to do it again.
 */
import type { BotDeps, ReplyMessage } from './types.js';
import type { DeliveryJob, MessagePayload } from '../queue/deliveries.js';

const MAX_CONTENT = 2000;

/** Where an answer belonged and what the user did, in their words ("Your `/xp add`", "Your click"). */
export interface AnswerOrigin {
  interactionId: string;
  userId: string;
  guildId: string | null;
  channelId: string | null;
  action: string;
}

/** The message as the delivery queue takes it: content and embeds; buttons and files stay behind. */
export function undeliveredPayload(origin: AnswerOrigin, message: ReplyMessage, isPublic: boolean): MessagePayload {
  const lead = `${isPublic ? `<@${origin.userId}> ` : ''}${origin.action} went through, but Discord did not let me show the answer in time. Here it is:`;
  const parts = [lead];
  if (message.content) parts.push(message.content);
  if (message.files && message.files.length > 0) parts.push('(Its picture could not be attached: run the command again to see it.)');
  const content = parts.join('\n');
  const embeds = (message.embeds ?? []).slice(0, 10).map((embed) => ('toJSON' in embed ? embed.toJSON() : embed) as Record<string, unknown>);
  return {
    content: content.length > MAX_CONTENT ? `${content.slice(0, MAX_CONTENT - 1)}…` : content,
    ...(embeds.length > 0 ? { embeds } : {}),
    allowed_mentions: { parse: [], users: isPublic ? [origin.userId] : [] },
  };
}

export async function handOverAnswer(origin: AnswerOrigin, message: ReplyMessage, isPublic: boolean, deps: Pick<BotDeps, 'deliveries'>): Promise<void> {
  const payload = undeliveredPayload(origin, message, isPublic);
  const job: DeliveryJob =
    isPublic && origin.guildId && origin.channelId
      ? { kind: 'channel', channelId: origin.channelId, message: payload }
      : { kind: 'dm', userId: origin.userId, message: payload };
  await deps.deliveries.enqueue(`undelivered:${origin.interactionId}`, job);
}
