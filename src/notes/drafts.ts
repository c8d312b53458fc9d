/**
 * What a person typed in a note's edit form that could not be saved (Valentina refused it or did not
 * answer): kept in Redis for a while, so the next **Edit** opens the form with it instead of losing it.
 *
 *   notes:draft:<discord user>:<note id>  → { title, content? }   (DRAFT_TTL_SECONDS)
 */
import { z } from 'zod';
import type { BotDeps } from '../discord/types.js';

export const DRAFT_TTL_SECONDS = 24 * 3600;

const DraftSchema = z.object({ title: z.string(), content: z.string().optional() });
export type NoteDraft = z.infer<typeof DraftSchema>;

const draftKey = (deps: Pick<BotDeps, 'config'>, discordUserId: string, noteId: string) =>
  `${deps.config.redis.prefix}:notes:draft:${discordUserId}:${noteId}`;

export async function keepDraft(deps: Pick<BotDeps, 'config' | 'redis'>, discordUserId: string, noteId: string, draft: NoteDraft): Promise<void> {
  await deps.redis.set(draftKey(deps, discordUserId, noteId), JSON.stringify(DraftSchema.parse(draft)), 'EX', DRAFT_TTL_SECONDS);
}

/** The kept draft, if any (an unreadable entry counts as none). */
export async function keptDraft(deps: Pick<BotDeps, 'config' | 'redis'>, discordUserId: string, noteId: string): Promise<NoteDraft | undefined> {
  const raw = await deps.redis.get(draftKey(deps, discordUserId, noteId));
  if (raw === null) return undefined;
  try {
    const parsed = DraftSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function dropDraft(deps: Pick<BotDeps, 'config' | 'redis'>, discordUserId: string, noteId: string): Promise<void> {
  await deps.redis.del(draftKey(deps, discordUserId, noteId));
}
