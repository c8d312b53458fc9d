/**
 * Dice pools as a table says them: `Dexterity + Firearms`, `5`, `Strength + Brawl + 2`. Parsing a
 * typed pool against the company's rollable traits (with a "did you mean" for a misspelled name),
 * counting it against a character's sheet, and completing it as it is typed with each trait's dots
 * and the running pool size. Pure functions; the catalogue and sheets come from the caches.
 */
import { matchChoices } from '../cache/cached-json.js';
import { UserError } from '../discord/errors.js';
import { POOL_DICE } from './settings.js';

export interface NamedTrait {
  id: string;
  name: string;
}

/** One row of a character's sheet: a trait and its dots. */
export interface SheetRow {
  traitId: string;
  name: string;
  value: number;
}

export interface ParsedPool {
  /** Traits named, deduplicated, in the order typed. */
  traits: NamedTrait[];
  /** Plain dice added to the pool (`+ 2`), or the whole pool when no trait is named. */
  dice: number;
}

export interface CountedPool {
  /** What the roll shows, term by term: each trait with its dots, then the plain dice. */
  parts: Array<{ name: string; value: number }>;
  /** Named traits the character has no dots in. */
  missing: string[];
  /** Dice to roll. */
  size: number;
  traitIds: string[];
}

/** Discord's limit on an autocomplete choice's name and value. */
const CHOICE_MAX = 100;
const MAX_TERMS = 10;

const fold = (s: string) => s.normalize('NFD').replace(/\p{Diacritic}/gu, '').trim().toLowerCase();
const clip = (text: string) => (text.length <= CHOICE_MAX ? text : `${text.slice(0, CHOICE_MAX - 1)}…`);

/** The terms of a pool as typed: `+` or `,` separate them. */
export function splitPool(text: string): string[] {
  return text.split(/[+,]/).map((s) => s.trim()).filter(Boolean);
}

const isCount = (term: string) => /^\d{1,3}$/.test(term);

/** Optimal string alignment distance: edits, with a swap of two neighbours as one ("Strenght"). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The trait a misspelled name most likely means: the closest within a few edits, else a name containing it. */
export function suggestTrait(catalogue: readonly NamedTrait[], typed: string): NamedTrait | undefined {
  const wanted = fold(typed);
  if (!wanted) return undefined;
  const allowed = wanted.length <= 4 ? 1 : wanted.length <= 8 ? 2 : 3;
  let best: { trait: NamedTrait; distance: number } | undefined;
  for (const trait of catalogue) {
    const distance = editDistance(wanted, fold(trait.name));
    if (distance <= allowed && (!best || distance < best.distance)) best = { trait, distance };
  }
  return best?.trait ?? matchChoices(catalogue, typed, 1)[0];
}

/**
 * The traits and plain dice a typed pool names. Throws a `UserError` naming the first unknown trait
 * (with the likeliest one it meant), or for an empty, too long or too large pool.
 */
export function parsePool(catalogue: readonly NamedTrait[], text: string): ParsedPool {
  const terms = splitPool(text);
  if (terms.length === 0) throw new UserError('Say what to roll: a number of dice (`pool:5`) or traits (`pool:Dexterity + Firearms`).');
  if (terms.length > MAX_TERMS) throw new UserError(`A pool can name at most ${MAX_TERMS} traits and numbers (you gave ${terms.length}).`);
  const byName = new Map(catalogue.map((t) => [fold(t.name), t]));
  const traits = new Map<string, NamedTrait>();
  let dice = 0;
  for (const term of terms) {
    if (isCount(term)) {
      dice += Number(term);
      continue;
    }
    const trait = byName.get(fold(term));
    if (!trait) {
      const near = suggestTrait(catalogue, term);
      const hint = near ? ` Did you mean **${near.name}**?` : ' Pick traits from the list that appears as you type.';
      throw new UserError(`There is no rollable trait called **${term.slice(0, 50)}** in this company.${hint}`);
    }
    traits.set(trait.id, trait);
  }
  if (traits.size === 0 && (dice < POOL_DICE.min || dice > POOL_DICE.max)) {
    throw new UserError(`A pool is ${POOL_DICE.min} to ${POOL_DICE.max} dice (you asked for ${dice}).`);
  }
  return { traits: [...traits.values()], dice };
}

/** The pool counted against a character's sheet (traits it lacks count 0 and are named). */
export function countPool(pool: ParsedPool, sheet: readonly SheetRow[]): CountedPool {
  const values = new Map(sheet.map((row) => [row.traitId, row.value]));
  const parts = pool.traits.filter((t) => (values.get(t.id) ?? 0) > 0).map((t) => ({ name: t.name, value: values.get(t.id) ?? 0 }));
  const missing = pool.traits.filter((t) => (values.get(t.id) ?? 0) <= 0).map((t) => t.name);
  if (pool.dice > 0) parts.push({ name: pool.traits.length > 0 ? 'Extra dice' : 'Pool', value: pool.dice });
  const size = parts.reduce((sum, p) => sum + p.value, 0);
  return { parts, missing, size, traitIds: pool.traits.map((t) => t.id) };
}

/** The pool as typed back, canonical: `Dexterity + Firearms + 2`. */
export function poolText(pool: ParsedPool): string {
  return [...pool.traits.map((t) => t.name), ...(pool.dice > 0 ? [String(pool.dice)] : [])].join(' + ');
}

/** How a roll's title names its pool: `Dexterity + Firearms`, `5 dice`. */
export function poolLabel(pool: ParsedPool): string {
  const dice = pool.dice > 0 ? [`${pool.dice} ${pool.dice === 1 ? 'die' : 'dice'}`] : [];
  return [...pool.traits.map((t) => t.name), ...dice].join(' + ');
}

const dots = (value: number) => (value > 0 ? '●'.repeat(Math.min(value, 10)) : '○');

/**
 * Autocomplete for a pool: keeps the terms already typed (a misspelled one replaced by the trait it
 * most likely means) and completes the last. With a sheet, every choice shows each trait's dots and
 * the pool's size — "Dexterity ●●● + Firearms ●● = 5 dice" — and only traits the character has
 * are offered; without one (no character yet), the trait names alone.
 */
export function completePool(catalogue: readonly NamedTrait[], sheet: readonly SheetRow[] | null, typed: string): Array<{ name: string; value: string }> {
  const parts = typed.split(/[+,]/);
  const last = (parts.pop() ?? '').trim();
  const byName = new Map(catalogue.map((t) => [fold(t.name), t]));
  const done = parts
    .map((p) => p.trim())
    .filter(Boolean)
    .map((term) => (isCount(term) ? term : (byName.get(fold(term)) ?? suggestTrait(catalogue, term))?.name ?? term));
  const values = new Map((sheet ?? []).map((row) => [row.traitId, row.value]));
  const taken = new Set(done.map(fold));
  const candidates = sheet ? catalogue.filter((t) => (values.get(t.id) ?? 0) > 0) : catalogue;
  const endings: string[][] = [];
  if (last === '') {
    if (done.length > 0) endings.push([]);
  } else if (isCount(last)) {
    endings.push([last]);
  }
  if (!isCount(last)) {
    const matches = matchChoices(candidates.filter((t) => !taken.has(fold(t.name))), last);
    const near = matches.length === 0 && last ? suggestTrait(sheet ? candidates : catalogue, last) : undefined;
    for (const trait of near ? [near] : matches) endings.push([trait.name]);
  }
  return endings
    .map((ending) => [...done, ...ending])
    .map((terms) => ({ terms, value: terms.join(' + ') }))
    .filter(({ value }) => value.length > 0 && value.length <= CHOICE_MAX)
    .slice(0, 25)
    .map(({ terms, value }) => ({ name: clip(sheet ? describeTerms(terms, byName, values) : value), value }));
}

function describeTerms(terms: readonly string[], byName: Map<string, NamedTrait>, values: Map<string, number>): string {
  let size = 0;
  const shown = terms.map((term) => {
    if (isCount(term)) {
      size += Number(term);
      return term;
    }
    const trait = byName.get(fold(term));
    const value = trait ? (values.get(trait.id) ?? 0) : 0;
    size += value;
    return `${term} ${dots(value)}`;
  });
  return `${shown.join(' + ')} = ${size} ${size === 1 ? 'die' : 'dice'}`;
}
