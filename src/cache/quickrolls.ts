/**
 * The Redis caches behind `/quickroll` (src/quickrolls/catalogue.ts reads and fills them). createApp
 * makes the one of the process (`BotDeps.quickrollCaches`), so concurrent misses in it share one load.
 */
import { z } from 'zod';
import type { RedisConnection } from '../redis.js';
import { CachedJson } from './cached-json.js';

const QuickrollList = z.array(
  z.object({ id: z.string().uuid(), name: z.string(), description: z.string(), traitIds: z.array(z.string().uuid()) }),
);
const CharacterList = z.array(z.object({ id: z.string().uuid(), name: z.string(), type: z.enum(['PLAYER', 'NPC', 'STORYTELLER']) }));
const TraitList = z.array(z.object({ id: z.string().uuid(), name: z.string() }));
const Sheet = z.array(z.object({ traitId: z.string().uuid(), name: z.string(), value: z.number().int() }));
export type QuickrollSummary = z.infer<typeof QuickrollList>[number];
export type CharacterSummary = z.infer<typeof CharacterList>[number];
export type TraitSummary = z.infer<typeof TraitList>[number];
/** A character's traits with their values (P3), as a roll's pool reads them. */
export type SheetEntry = z.infer<typeof Sheet>[number];

/**
 * Seconds each list is trusted. Quickrolls, characters and sheets change in the web app too (and
 * Valentina's own cache may hide such a change for 60 s more); the catalogue rarely does.
 */
export const CACHE_TTL = { quickrolls: 120, characters: 120, sheets: 120, traits: 6 * 3600 } as const;

export interface QuickrollCaches {
  quickrolls: CachedJson<typeof QuickrollList>;
  characters: CachedJson<typeof CharacterList>;
  sheets: CachedJson<typeof Sheet>;
  traits: CachedJson<typeof TraitList>;
}

export function createQuickrollCaches(redis: RedisConnection): QuickrollCaches {
  return {
    quickrolls: new CachedJson(redis, QuickrollList, CACHE_TTL.quickrolls),
    characters: new CachedJson(redis, CharacterList, CACHE_TTL.characters),
    sheets: new CachedJson(redis, Sheet, CACHE_TTL.sheets),
    traits: new CachedJson(redis, TraitList, CACHE_TTL.traits),
  };
}
