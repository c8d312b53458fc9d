/**
 * What a person typed in a note's edit form that could not be saved (Valentina refused it or did not
 * answer): kept in Redis for a while, so the next **Edit** opens the form with it instead of losing it.
 *
 *   notes:draft:<discord user>:<note id>  → { title, content? }   (DRAFT_TTL_SECONDS)
 */
import { z } from 'zod';
import { CachedJson } from '../cache/cached-json.js';
import type { BotDeps } from '../discord/types.js';

export const DRAFT_TTL_SECONDS = 24 * 3600;

const DraftSchema = z.object({ title: z.string(), content: z.string().optional() });
export type NoteDraft = z.infer<typeof DraftSchema>;

const draftKey = (deps: Pick<BotDeps, 'keys'>, discordUserId: string, noteId: string) => deps.keys.notes.draft(discordUserId, noteId);

const drafts = (deps: Pick<BotDeps, 'redis'>) => new CachedJson(deps.redis, DraftSchema, DRAFT_TTL_SECONDS);

export async function keepDraft(deps: Pick<BotDeps, 'keys' | 'redis'>, discordUserId: string, noteId: string, draft: NoteDraft): Promise<void> {
  await drafts(deps).set(draftKey(deps, discordUserId, noteId), draft);
}

/** The kept draft, if any (an unreadable entry counts as none). */
export async function keptDraft(deps: Pick<BotDeps, 'keys' | 'redis'>, discordUserId: string, noteId: string): Promise<NoteDraft | undefined> {
  return drafts(deps).peek(draftKey(deps, discordUserId, noteId));
}

export async function dropDraft(deps: Pick<BotDeps, 'keys' | 'redis'>, discordUserId: string, noteId: string): Promise<void> {
  await drafts(deps).invalidate(draftKey(deps, discordUserId, noteId));
}
