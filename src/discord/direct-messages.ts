/**
 * The default handler for messages sent to the bot in DMs. The bot works through slash commands,
 * so for now a DM gets a short pointer to `/help` — at most once per user per
 * {@link DM_HINT_COOLDOWN_SECONDS}, so a chatty user does not get the same answer to every line.
 * Features that read DMs replace it through `createApp(…, { onDirectMessage })`.
 */
import { ChannelType } from 'discord.js';
import type { DirectMessageHandler } from './types.js';

export const DM_HINT =
  'Hi! I work through slash commands — type `/help` to see what I can do. Messages sent here are not read by anyone.';
export const DM_HINT_COOLDOWN_SECONDS = 60;

export const replyWithHelpHint: DirectMessageHandler = async (message, deps) => {
  if (message.author.bot || message.channel.type !== ChannelType.DM) return;
  const key = `${deps.config.redis.prefix}:dm-hint:${message.author.id}`;
  const first = await deps.redis.set(key, '1', 'EX', DM_HINT_COOLDOWN_SECONDS, 'NX');
  if (first !== 'OK') return;
  await message.channel.send({ content: DM_HINT });
  deps.logger.info({ kind: 'dm', userId: message.author.id, outcome: 'ok' }, 'direct message');
};
