/**
 * Cached lists behind `/quickroll`: a player's quickrolls, the characters they play, each character's
 * trait values and the company's rollable-trait catalogue. Warm caches answer autocomplete without
 * calling Valentina and leave `/quickroll run` only the roll itself to send; writes through the bot
 * update or drop the quickroll list, and a name typed but not found reloads it once. A character's
 * sheet is checked by every roll (run.ts): a roll whose pool differs from it drops it.
 *
 * Keys: `keys.quickrolls.cache` (src/keyspace.ts): `list:<company>:<user>`, `chars:<company>:<user>`,
 * `sheet:<company>:<character>`, `traits:<company>`.
 */
import type { CharacterSummary, QuickrollSummary, SheetEntry, TraitSummary } from '../cache/quickrolls.js';
import type { BotDeps } from '../discord/types.js';

export { CACHE_TTL, type CharacterSummary, type QuickrollSummary, type SheetEntry, type TraitSummary } from '../cache/quickrolls.js';

/** Names in the order a person reads them: "Roll 2" before "Roll 10", case and accents aside. */
const NATURAL = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
export const byName = (a: { name: string }, b: { name: string }) => NATURAL.compare(a.name, b.name) || a.name.localeCompare(b.name);

async function loadQuickrolls(deps: BotDeps, companyId: string, userId: string, fresh = false): Promise<QuickrollSummary[]> {
  const rows = await deps.valentina.quickrolls.listAll(companyId, userId, { onBehalfOf: userId, fresh });
  return rows.map((q) => ({ id: q.id, name: q.name, description: q.description, traitIds: q.trait_ids })).sort(byName);
}

/** The user's quickrolls, sorted naturally by name (cached). */
export function quickrollsOf(deps: BotDeps, companyId: string, userId: string): Promise<QuickrollSummary[]> {
  return deps.quickrollCaches.quickrolls.get(deps.keys.quickrolls.cache('list', companyId, userId), () => loadQuickrolls(deps, companyId, userId));
}

/**
 * The user's quickrolls straight from Valentina (Q1), stored in the cache on the way. `aroundApiCache`
 * also reads around Valentina's own 60-second response cache, for checking a write whose answer was lost.
 */
export async function freshQuickrolls(deps: BotDeps, companyId: string, userId: string, aroundApiCache = false): Promise<QuickrollSummary[]> {
  const list = await loadQuickrolls(deps, companyId, userId, aroundApiCache);
  await deps.quickrollCaches.quickrolls.set(deps.keys.quickrolls.cache('list', companyId, userId), list);
  return list;
}

/**
 * Puts a quickroll as a write through the bot returned it into the cached list (when one is cached),
 * so the next roll uses it without re-reading: Valentina's answer to a read sent right after a write
 * may still be the old one (its cache is flushed only after the write's response).
 */
export async function rememberQuickroll(deps: BotDeps, companyId: string, userId: string, saved: QuickrollSummary): Promise<void> {
  const cache = deps.quickrollCaches.quickrolls;
  const listKey = deps.keys.quickrolls.cache('list', companyId, userId);
  const list = await cache.peek(listKey);
  if (!list) return;
  const others = list.filter((q) => q.id !== saved.id);
  await cache.set(listKey, [...others, saved].sort(byName));
}

/** Takes a quickroll deleted through the bot out of the cached list (when one is cached). */
export async function dropQuickroll(deps: BotDeps, companyId: string, userId: string, quickrollId: string): Promise<void> {
  const cache = deps.quickrollCaches.quickrolls;
  const listKey = deps.keys.quickrolls.cache('list', companyId, userId);
  const list = await cache.peek(listKey);
  if (list) await cache.set(listKey, list.filter((q) => q.id !== quickrollId));
}

export function forgetQuickrolls(deps: BotDeps, companyId: string, userId: string): Promise<void> {
  return deps.quickrollCaches.quickrolls.invalidate(deps.keys.quickrolls.cache('list', companyId, userId));
}

/** Living characters the user plays in the company (cached). */
export function charactersOf(deps: BotDeps, companyId: string, userId: string): Promise<CharacterSummary[]> {
  return deps.quickrollCaches.characters.get(deps.keys.quickrolls.cache('chars', companyId, userId), async () =>
    (await deps.valentina.characters.listAll(companyId, { userPlayerId: userId, status: 'ALIVE' }, { onBehalfOf: userId }))
      .filter((c) => c.company_id === companyId)
      .map((c) => ({ id: c.id, name: c.name_full, type: c.type })),
  );
}

export function forgetCharacters(deps: BotDeps, companyId: string, userId: string): Promise<void> {
  return deps.quickrollCaches.characters.invalidate(deps.keys.quickrolls.cache('chars', companyId, userId));
}

/**
 * The character's traits and values (P3, read as the actor), cached. `fresh` reads around both this
 * cache and Valentina's own 60-second one, for when a roll has just shown the cached sheet is wrong.
 */
export async function sheetOf(deps: BotDeps, companyId: string, characterId: string, actorUserId: string, fresh = false): Promise<{ sheet: SheetEntry[]; cached: boolean }> {
  const cache = deps.quickrollCaches.sheets;
  const sheetKey = deps.keys.quickrolls.cache('sheet', companyId, characterId);
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
  return deps.quickrollCaches.sheets.invalidate(deps.keys.quickrolls.cache('sheet', companyId, characterId));
}

/** The company's rollable traits, sorted by name (cached for hours). */
export function traitCatalogue(deps: BotDeps, companyId: string): Promise<TraitSummary[]> {
  return deps.quickrollCaches.traits.get(deps.keys.quickrolls.cache('traits', companyId), async () =>
    (await deps.valentina.traits.listAll(companyId, { isRollable: true })).map((t) => ({ id: t.id, name: t.name })),
  );
}
