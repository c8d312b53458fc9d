/**
 * Cached lists behind `/quickroll`: a player's quickrolls, the characters they play, and the
 * company's rollable-trait catalogue. Warm caches answer autocomplete without calling Valentina;
 * writes through the bot drop the quickroll list, and a name typed but not found reloads it once.
 *
 * Keys: `${prefix}:quickroll:list:<company>:<user>`, `…:chars:<company>:<user>`, `…:traits:<company>`.
 */
import { z } from 'zod';
import { CachedJson } from '../cache/cached-json.js';
import type { BotDeps } from '../discord/types.js';

const QuickrollList = z.array(
  z.object({ id: z.string().uuid(), name: z.string(), description: z.string(), traitIds: z.array(z.string().uuid()) }),
);
const CharacterList = z.array(z.object({ id: z.string().uuid(), name: z.string(), type: z.enum(['PLAYER', 'NPC', 'STORYTELLER']) }));
const TraitList = z.array(z.object({ id: z.string().uuid(), name: z.string() }));
export type QuickrollSummary = z.infer<typeof QuickrollList>[number];
export type CharacterSummary = z.infer<typeof CharacterList>[number];
export type TraitSummary = z.infer<typeof TraitList>[number];

/** Seconds each list is trusted. Quickrolls and characters change in the web app too; the catalogue rarely does. */
export const CACHE_TTL = { quickrolls: 120, characters: 120, traits: 6 * 3600 } as const;

interface Caches {
  quickrolls: CachedJson<typeof QuickrollList>;
  characters: CachedJson<typeof CharacterList>;
  traits: CachedJson<typeof TraitList>;
}
const caches = new WeakMap<BotDeps, Caches>();

function cachesFor(deps: BotDeps): Caches {
  let entry = caches.get(deps);
  if (!entry) {
    entry = {
      quickrolls: new CachedJson(deps.redis, QuickrollList, CACHE_TTL.quickrolls),
      characters: new CachedJson(deps.redis, CharacterList, CACHE_TTL.characters),
      traits: new CachedJson(deps.redis, TraitList, CACHE_TTL.traits),
    };
    caches.set(deps, entry);
  }
  return entry;
}

const key = (deps: BotDeps, kind: 'list' | 'chars' | 'traits', ...parts: string[]) => `${deps.config.redis.prefix}:quickroll:${kind}:${parts.join(':')}`;

async function loadQuickrolls(deps: BotDeps, companyId: string, userId: string, fresh = false): Promise<QuickrollSummary[]> {
  const rows = await deps.valentina.quickrolls.listAll(companyId, userId, { onBehalfOf: userId, fresh });
  return rows.map((q) => ({ id: q.id, name: q.name, description: q.description, traitIds: q.trait_ids }));
}

/** The user's quickrolls, sorted by name (cached). */
export function quickrollsOf(deps: BotDeps, companyId: string, userId: string): Promise<QuickrollSummary[]> {
  return cachesFor(deps).quickrolls.get(key(deps, 'list', companyId, userId), () => loadQuickrolls(deps, companyId, userId));
}

/**
 * The user's quickrolls straight from Valentina (Q1), stored in the cache on the way. `aroundApiCache`
 * also reads around Valentina's own 60-second response cache, for checking a write whose answer was lost.
 */
export async function freshQuickrolls(deps: BotDeps, companyId: string, userId: string, aroundApiCache = false): Promise<QuickrollSummary[]> {
  const list = await loadQuickrolls(deps, companyId, userId, aroundApiCache);
  await cachesFor(deps).quickrolls.set(key(deps, 'list', companyId, userId), list);
  return list;
}

export function forgetQuickrolls(deps: BotDeps, companyId: string, userId: string): Promise<void> {
  return cachesFor(deps).quickrolls.invalidate(key(deps, 'list', companyId, userId));
}

/** Living characters the user plays in the company (cached). */
export function charactersOf(deps: BotDeps, companyId: string, userId: string): Promise<CharacterSummary[]> {
  return cachesFor(deps).characters.get(key(deps, 'chars', companyId, userId), async () =>
    (await deps.valentina.characters.listAll(companyId, { userPlayerId: userId, status: 'ALIVE' }, { onBehalfOf: userId }))
      .filter((c) => c.company_id === companyId)
      .map((c) => ({ id: c.id, name: c.name_full, type: c.type })),
  );
}

export function forgetCharacters(deps: BotDeps, companyId: string, userId: string): Promise<void> {
  return cachesFor(deps).characters.invalidate(key(deps, 'chars', companyId, userId));
}

/** The company's rollable traits, sorted by name (cached for hours). */
export function traitCatalogue(deps: BotDeps, companyId: string): Promise<TraitSummary[]> {
  return cachesFor(deps).traits.get(key(deps, 'traits', companyId), async () =>
    (await deps.valentina.traits.listAll(companyId, { isRollable: true })).map((t) => ({ id: t.id, name: t.name })),
  );
}
