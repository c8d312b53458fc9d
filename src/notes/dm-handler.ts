/**
 * A plain DM to the bot becomes a Valentina note of the author. The bot reacts at once, then answers
 * with what it saved and buttons to undo (for a minute) or delete. When Valentina is down the note is
 * queued and saved later; the author is told it is pending, never that it is saved before it is.
 */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle, ChannelType, EmbedBuilder, type Message } from 'discord.js';
import { z } from 'zod';
import { defineCustomId } from '../discord/custom-id.js';
import type { BotDeps } from '../discord/types.js';
import { describeResolution } from '../identity/resolver.js';
import { ValentinaError } from '../valentina/index.js';
import { composeNote } from './compose.js';
import { noteKey, queueNote } from './queue.js';

const uuid = z.string().uuid();
export const undoNoteId = defineCustomId('note.undo', z.object({ n: uuid, t: z.number().int() }));
export const deleteNoteId = defineCustomId('note.del', z.object({ n: uuid }));
export const confirmDeleteNoteId = defineCustomId('note.delok', z.object({ n: uuid }));
export const UNDO_SECONDS = 60;

export function noteButtons(noteId: string, createdAt: Date) {
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(undoNoteId.encode({ n: noteId, t: Math.floor(createdAt.getTime() / 1000) })).setLabel('Undo').setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(deleteNoteId.encode({ n: noteId })).setLabel('Delete').setStyle(ButtonStyle.Danger),
  );
}

export async function saveNoteFromDm(message: Message, deps: BotDeps): Promise<void> {
  const channel = message.channel;
  if (message.author.bot || channel.type !== ChannelType.DM) return;
  const reply = (content: string, extra: Record<string, unknown> = {}) => channel.send({ content, ...extra });
  await message.react('📝').catch(() => undefined);
  const resolution = await deps.resolver.resolveInDm(message.author.id);
  if (resolution.status !== 'ok') {
    await reply(`${describeResolution(resolution)}\nMessages you send me here become your Valentina notes once you can act.`);
    return;
  }
  const { actor } = resolution;
  const composed = composeNote(message.content, [...message.attachments.values()].map((a) => ({ name: a.name, url: a.url })));
  if (!composed.ok) {
    await reply(composed.reason);
    return;
  }
  try {
    const note = await deps.valentina.notes.create(actor.companyId, actor.userId, { title: composed.title, content: composed.content }, { onBehalfOf: actor.userId, idempotencyKey: noteKey(message.id) });
    const embed = new EmbedBuilder()
      .setColor(0x3ba55d)
      .setTitle(`Saved: ${note.title}`.slice(0, 256))
      .setDescription(note.content.length > 300 ? `${note.content.slice(0, 299)}…` : note.content)
      .setFooter({ text: `Note in ${actor.companyName} · Undo works for a minute` });
    await reply('', { embeds: [embed], components: [noteButtons(note.id, new Date())] });
    deps.logger.info({ kind: 'dm-note', userId: message.author.id, outcome: 'ok' }, 'note saved from a DM');
  } catch (error) {
    if (error instanceof ValentinaError && error.retryable) {
      await queueNote(deps, { companyId: actor.companyId, userId: actor.userId, discordUserId: message.author.id, messageId: message.id, title: composed.title, content: composed.content });
      await reply(`Valentina is not answering right now${error.requestId ? ` (request ${error.requestId})` : ''}. Your note **${composed.title}** is **pending**: I'll save it as soon as Valentina is back and DM you when it's done.`);
      return;
    }
    if (error instanceof ValentinaError) {
      await reply(`Valentina refused this note: ${error.detail}. Here is your text, so nothing is lost:\n\n${message.content}`.slice(0, 2000));
      return;
    }
    throw error;
  }
}
