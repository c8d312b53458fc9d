/** Custom ids of every notes button, menu and form. Notes carry their company, so a button acts where the note lives. */
import { z } from 'zod';
import { defineCustomId } from '../discord/custom-id.js';

const uuid = z.string().uuid();

export const noteEditId = defineCustomId('note.edit', z.object({ c: uuid, n: uuid }));
export const noteDeleteId = defineCustomId('note.del', z.object({ c: uuid, n: uuid }), { version: 2 });
export const noteDeleteYesId = defineCustomId('note.delok', z.object({ c: uuid, n: uuid }), { version: 2 });
export const noteKeepId = defineCustomId('note.keep', z.object({ c: uuid, n: uuid }));
/** `t`: when the note was saved (epoch seconds); undo works for UNDO_SECONDS after it. */
export const noteUndoId = defineCustomId('note.undo', z.object({ c: uuid, n: uuid, t: z.number().int().min(0) }), { version: 2 });
/** The edit form; `f` tells whether it has a content field (notes too long for a form are edited title-only). */
export const noteSaveId = defineCustomId('note.save', z.object({ c: uuid, n: uuid, f: z.boolean() }));
export const notePageId = defineCustomId('note.page', z.object({ c: uuid, p: z.number().int().min(0).max(9999) }));
export const noteOpenId = defineCustomId('note.open', z.object({ c: uuid }));
export const noteCompanyId = defineCustomId('note.co', z.object({}));

export const MODAL_FIELDS = { title: 'title', content: 'content' } as const;
