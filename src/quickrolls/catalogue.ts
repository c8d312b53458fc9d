/**
 * Cached lists behind `/quickroll`: a player's quickrolls, the characters they play, each character's
 * trait values and the company's rollable-trait catalogue. Warm caches answer autocomplete without
 * calling Valentina and leave `/quickroll run` only the roll itself to send; writes through the bot
 * update or drop the quickroll list, and a name typed but not found reloads it once. A character's
 * sheet is checked by every roll (run.ts): a roll whose pool differs from it drops it.
 *
 * Keys: `${prefix}:quickroll:list:<company>:<user>`, `…:chars:<company>:<user>`,
 * `…:sheet:<company>:<character>`, `…:traits:<company>`.
 */
import { z } from 'zod';
import { CachedJson } from '../cache/cached-json.js';
import type { BotDeps } from '../discord/types.js';

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

interface Caches {
  quickrolls: CachedJson<typeof QuickrollList>;
  characters: CachedJson<typeof CharacterList>;
  sheets: CachedJson<typeof Sheet>;
  traits: CachedJson<typeof TraitList>;
}
const caches = new WeakMap<BotDeps, Caches>();

function cachesFor(deps: BotDeps): Caches {
  let entry = caches.get(deps);
  if (!entry) {
    entry = {
      quickrolls: new CachedJson(deps.redis, QuickrollList, CACHE_TTL.quickrolls),
      characters: new CachedJson(deps.redis, CharacterList, CACHE_TTL.characters),
      sheets: new CachedJson(deps.redis, Sheet, CACHE_TTL.sheets),
      traits: new CachedJson(deps.redis, TraitList, CACHE_TTL.traits),
    };
    caches.set(deps, entry);
  }
  return entry;
}

const key = (deps: BotDeps, kind: 'list' | 'chars' | 'sheet' | 'traits', ...parts: string[]) => `${deps.config.redis.prefix}:quickroll:${kind}:${parts.join(':')}`;

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

/**
 * Puts a quickroll as a write through the bot returned it into the cached list (when one is cached),
 * so the next roll uses it without re-reading: Valentina's answer to a read sent right after a write
 * may still be the old one (its cache is flushed only after the write's response).
 */
export async function rememberQuickroll(deps: BotDeps, companyId: string, userId: string, saved: QuickrollSummary): Promise<void> {
  const cache = cachesFor(deps).quickrolls;
  const listKey = key(deps, 'list', companyId, userId);
  const list = await cache.peek(listKey);
  if (!list) return;
  const others = list.filter((q) => q.id !== saved.id);
  await cache.set(listKey, [...others, saved].sort((a, b) => a.name.localeCompare(b.name)));
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

/**
 * The character's traits and values (P3, read as the actor), cached. `fresh` reads around both this
 * cache and Valentina's own 60-second one, for when a roll has just shown the cached sheet is wrong.
 */
export async function sheetOf(deps: BotDeps, companyId: string, characterId: string, actorUserId: string, fresh = false): Promise<{ sheet: SheetEntry[]; cached: boolean }> {
  const cache = cachesFor(deps).sheets;
  const sheetKey = key(deps, 'sheet', companyId, characterId);
  if (!fresh) {
    const cached = await cache.peek(sheetKey);
    if (cached) return { sheet: cached, cached: true };
  }
  const rows = await deps.valentina.characters.traits(companyId, characterId, {}, { onBehalfOf: actorUserId, fresh });
  const sheet = rows.map((t) => ({ traitId: t.trait.id, name: t.trait.name, value: t.value }));
  await cache.set(sheetKey, sheet);
  return { sheet, cached: false };
}

export function forgetSheet(deps: BotDeps, companyId: string, characterId: string): Promise<void> {
  return cachesFor(deps).sheets.invalidate(key(deps, 'sheet', companyId, characterId));
}

/** The company's rollable traits, sorted by name (cached for hours). */
export function traitCatalogue(deps: BotDeps, companyId: string): Promise<TraitSummary[]> {
  return cachesFor(deps).traits.get(key(deps, 'traits', companyId), async () =>
    (await deps.valentina.traits.listAll(companyId, { isRollable: true })).map((t) => ({ id: t.id, name: t.name })),
  );
}
