/**
 * Cached lists behind `/quickroll` autocomplete: a player's quickrolls, the characters they play, and
 * the company's trait catalogue. Warm caches answer autocomplete without calling Valentina.
 */
import { z } from 'zod';
import { CachedJson } from '../cache/cached-json.js';
import type { BotDeps } from '../discord/types.js';

const QuickrollList = z.array(z.object({ id: z.string().uuid(), name: z.string(), traitIds: z.array(z.string().uuid()) }));
const CharacterList = z.array(z.object({ id: z.string().uuid(), name: z.string(), type: z.string() }));
const TraitList = z.array(z.object({ id: z.string().uuid(), name: z.string() }));
export type QuickrollSummary = z.infer<typeof QuickrollList>[number];
export type CharacterSummary = z.infer<typeof CharacterList>[number];
export type TraitSummary = z.infer<typeof TraitList>[number];

const caches = new WeakMap<BotDeps, { quickrolls: CachedJson<typeof QuickrollList>; characters: CachedJson<typeof CharacterList>; traits: CachedJson<typeof TraitList> }>();

function cachesFor(deps: BotDeps) {
  let entry = caches.get(deps);
  if (!entry) {
    entry = {
      quickrolls: new CachedJson(deps.redis, QuickrollList, 120),
      characters: new CachedJson(deps.redis, CharacterList, 120),
      traits: new CachedJson(deps.redis, TraitList, 3600),
    };
    caches.set(deps, entry);
  }
  return entry;
}

const key = (deps: BotDeps, kind: string, ...parts: string[]) => `${deps.config.redis.prefix}:${kind}:${parts.join(':')}`;

export function quickrollsOf(deps: BotDeps, companyId: string, userId: string): Promise<QuickrollSummary[]> {
  return cachesFor(deps).quickrolls.get(key(deps, 'qr', companyId, userId), async () =>
    (await deps.valentina.quickrolls.listAll(companyId, userId)).map((q) => ({ id: q.id, name: q.name, traitIds: q.trait_ids })),
  );
}

export function forgetQuickrolls(deps: BotDeps, companyId: string, userId: string): Promise<void> {
  return cachesFor(deps).quickrolls.invalidate(key(deps, 'qr', companyId, userId));
}

export function charactersOf(deps: BotDeps, companyId: string, userId: string): Promise<CharacterSummary[]> {
  return cachesFor(deps).characters.get(key(deps, 'chars', companyId, userId), async () =>
    (await deps.valentina.characters.listAll(companyId, { userPlayerId: userId, status: 'ALIVE' }, { onBehalfOf: userId })).map((c) => ({ id: c.id, name: c.name_full, type: c.type })),
  );
}

export function traitCatalogue(deps: BotDeps, companyId: string): Promise<TraitSummary[]> {
  return cachesFor(deps).traits.get(key(deps, 'traits', companyId), async () =>
    (await deps.valentina.traits.listAll(companyId, { isRollable: true })).map((t) => ({ id: t.id, name: t.name })),
  );
}
