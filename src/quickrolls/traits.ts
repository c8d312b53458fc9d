/**
 * Traits typed as one comma-separated option (`traits:Dexterity, Firearms`): parsing, resolving the
 * names against the company's rollable-trait catalogue, and completing the item being typed. Pure
 * functions; the catalogue comes from the cache in catalogue.ts.
 */
import { UserError } from '../discord/errors.js';
import { matchChoices } from '../cache/cached-json.js';

export interface NamedTrait {
  id: string;
  name: string;
}

/** Discord's limit on an autocomplete choice's name and value. */
const CHOICE_MAX = 100;
/** A quickroll with more traits than this is a typo, not a dice pool. */
export const MAX_TRAITS = 10;

const fold = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').trim().toLowerCase();

/** The non-empty items of a comma-separated list, trimmed. */
export function splitTraitList(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Trait ids for typed names, deduplicated in the order given. Throws a `UserError` naming the first
 * unknown trait, or when the list is empty or too long.
 */
export function resolveTraitNames(catalogue: readonly NamedTrait[], text: string): NamedTrait[] {
  const wanted = splitTraitList(text);
  if (wanted.length === 0) throw new UserError('A quickroll needs at least one trait, e.g. `traits:Dexterity, Firearms`.');
  const byName = new Map(catalogue.map((t) => [fold(t.name), t]));
  const resolved = new Map<string, NamedTrait>();
  for (const name of wanted) {
    const trait = byName.get(fold(name));
    if (!trait) {
      const near = matchChoices(catalogue, name, 3).map((t) => t.name);
      const hint = near.length > 0 ? ` Did you mean ${near.join(', ')}?` : ' Pick traits from the list that appears as you type.';
      throw new UserError(`There is no rollable trait called **${name.slice(0, 50)}** in this company.${hint}`);
    }
    resolved.set(trait.id, trait);
  }
  if (resolved.size > MAX_TRAITS) throw new UserError(`A quickroll can hold at most ${MAX_TRAITS} traits (you gave ${resolved.size}).`);
  return [...resolved.values()];
}

/**
 * Autocomplete for a comma-separated list: keeps what is already typed and completes the last item
 * from the catalogue, leaving out traits already in the list. Every choice is the whole list so far.
 */
export function completeTraitList(catalogue: readonly NamedTrait[], typed: string): Array<{ name: string; value: string }> {
  const parts = typed.split(',');
  const last = parts.pop() ?? '';
  const done = parts.map((p) => p.trim()).filter(Boolean);
  const taken = new Set(done.map(fold));
  const head = done.length > 0 ? `${done.join(', ')}, ` : '';
  return matchChoices(catalogue.filter((t) => !taken.has(fold(t.name))), last)
    .map((t) => `${head}${t.name}`)
    .filter((value) => value.length <= CHOICE_MAX)
    .map((value) => ({ name: value, value }));
}

/** "Dexterity + Firearms" for a set of trait ids; unknown ids read as "unknown trait". */
export function traitNames(ids: readonly string[], catalogue: readonly NamedTrait[]): string[] {
  const names = new Map(catalogue.map((t) => [t.id, t.name]));
  return ids.map((id) => names.get(id) ?? 'unknown trait');
}
