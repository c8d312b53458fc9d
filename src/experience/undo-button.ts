/** The Undo button on the public record of an XP or cool point change (handled in undo.ts). */
import { ActionRowBuilder, ButtonBuilder, ButtonStyle } from 'discord.js';
import { z } from 'zod';
import { defineCustomId } from '../discord/custom-id.js';

/** `e`: the change's ledger entry id (a stream id such as `1733281850123-0`). */
export const undoId = defineCustomId('xp.undo', z.object({ e: z.string().regex(/^\d{1,20}-\d{1,20}$/) }));

export function undoButtonRow(entryId: string, windowSeconds: number): ActionRowBuilder<ButtonBuilder> {
  const minutes = Math.round(windowSeconds / 60);
  const label = minutes >= 1 ? `Undo (${minutes} min)` : `Undo (${windowSeconds} s)`;
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(undoId.encode({ e: entryId })).setLabel(label).setStyle(ButtonStyle.Secondary),
  );
}
