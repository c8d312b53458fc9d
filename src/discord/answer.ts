/**
 * How a handler's work ends for the user, once it has run: its answer is shown (or, when Discord will
 * not take it, handed to the delivery queue, since the work is done), or its error is shown as
 * user-facing text (errors.ts). Each step says how the interaction ended, for the router's log line
 * and metrics.
 */
import type { Interaction } from 'discord.js';
import type { InteractionOutcome } from '../http/metrics.js';
import { describeError, loggableError } from './errors.js';
import type { Responder } from './respond.js';
import type { BotDeps, ReplyMessage } from './types.js';
import { handOverAnswer, type AnswerOrigin } from './undelivered.js';

/** How an interaction ended: what the router logs and counts. */
export interface Finished {
  outcome: InteractionOutcome;
  reference?: string;
  error?: unknown;
}

/** Where an answer belongs, and what the user did in their words ("Your `/xp add`", "Your click"). */
export function answerOrigin(interaction: Pick<Interaction, 'id' | 'user' | 'guildId' | 'channelId'>, action: string): AnswerOrigin {
  return { interactionId: interaction.id, userId: interaction.user.id, guildId: interaction.guildId, channelId: interaction.channelId, action };
}

/**
 * Sends a handler's answer. The work is done by then, so when Discord will not take the answer the
 * user is never told to send it again (that would do it twice): the answer is handed to the
 * delivery queue instead, for the channel when it was public, else for the user's DMs.
 */
export async function deliverAnswer(
  where: AnswerOrigin,
  send: () => Promise<void>,
  message: ReplyMessage | undefined,
  isPublic: boolean,
  deps: Pick<BotDeps, 'deliveries' | 'logger'>,
): Promise<Finished> {
  try {
    await send();
    return { outcome: 'ok' };
  } catch (error) {
    deps.logger.warn({ err: loggableError(error), interactionId: where.interactionId }, 'the answer could not be shown; handing it to the delivery queue');
    if (message) {
      await handOverAnswer(where, message, isPublic, deps).catch((queueError: unknown) =>
        deps.logger.error({ err: loggableError(queueError), interactionId: where.interactionId }, 'an answer that could not be shown was not queued either'),
      );
    }
    return { outcome: 'undelivered', error };
  }
}

/**
 * Shows what went wrong. When it was not the user's doing (Valentina down, a fault of ours), the
 * command as they typed it follows, so they can send it again without retyping it.
 */
export async function answerError(
  responder: Responder,
  error: unknown,
  deps: Pick<BotDeps, 'logger'>,
  typed?: () => string | undefined,
): Promise<Finished> {
  const described = describeError(error);
  const finished: Finished = { outcome: described.outcome, error };
  if (described.reference) finished.reference = described.reference;
  const again = described.outcome === 'user_error' || described.mayHaveApplied ? undefined : typed?.();
  const content = again ? `${described.message}\nWhat you typed, to send again:\n\`\`\`\n${again}\n\`\`\`` : described.message;
  try {
    await responder.reply({ content, ephemeral: true });
  } catch (replyError) {
    deps.logger.warn({ err: loggableError(replyError) }, 'could not show an error to the user');
  }
  return finished;
}
