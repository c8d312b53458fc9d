/** Typing traits as one comma-separated option: resolving names and completing the last item. */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/discord/errors.js';
import { completeTraitList, MAX_TRAITS, resolveTraitNames, splitTraitList, traitNames } from '../../src/quickrolls/traits.js';

const CATALOGUE = [
  { id: '00000000-0000-7000-8000-000000000001', name: 'Brawl' },
  { id: '00000000-0000-7000-8000-000000000002', name: 'Dexterity' },
  { id: '00000000-0000-7000-8000-000000000003', name: 'Firearms' },
  { id: '00000000-0000-7000-8000-000000000004', name: 'Strength' },
  { id: '00000000-0000-7000-8000-000000000005', name: 'Animal Ken' },
];

describe('trait lists', () => {
  it('splits, trims and drops empty items', () => {
    expect(splitTraitList(' Dexterity ,, Firearms, ')).toEqual(['Dexterity', 'Firearms']);
  });

  it('resolves names case-insensitively, deduplicated, in the order given', () => {
    expect(resolveTraitNames(CATALOGUE, 'firearms, DEXTERITY, Firearms').map((t) => t.name)).toEqual(['Firearms', 'Dexterity']);
  });

  it('names an unknown trait and suggests near ones', () => {
    expect(() => resolveTraitNames(CATALOGUE, 'Strength, Kung Fu')).toThrow(/\*\*Kung Fu\*\*/);
    expect(() => resolveTraitNames(CATALOGUE, 'Fire')).toThrow(/Did you mean Firearms\?/);
    expect(() => resolveTraitNames(CATALOGUE, ' , ')).toThrow(UserError);
  });

  it('refuses more traits than a pool can sensibly hold', () => {
    const many = Array.from({ length: MAX_TRAITS + 1 }, (_, i) => ({ id: `00000000-0000-7000-8000-0000000001${String(i).padStart(2, '0')}`, name: `T${i}` }));
    expect(() => resolveTraitNames(many, many.map((t) => t.name).join(','))).toThrow(`at most ${MAX_TRAITS}`);
  });

  it('completes the last item, keeps the rest and skips traits already listed', () => {
    expect(completeTraitList(CATALOGUE, 'Strength, b')).toEqual([{ name: 'Strength, Brawl', value: 'Strength, Brawl' }]);
    expect(completeTraitList(CATALOGUE, 'strength,').map((c) => c.value)).toEqual([
      'strength, Brawl', 'strength, Dexterity', 'strength, Firearms', 'strength, Animal Ken',
    ]);
    expect(completeTraitList(CATALOGUE, 'ken')).toEqual([{ name: 'Animal Ken', value: 'Animal Ken' }]);
  });

  it('never offers a choice longer than Discord allows', () => {
    const head = 'x'.repeat(95);
    expect(completeTraitList(CATALOGUE, `${head}, `)).toEqual([]);
  });

  it('names trait ids, marking unknown ones', () => {
    expect(traitNames([CATALOGUE[1]!.id, 'nope'], CATALOGUE)).toEqual(['Dexterity', 'unknown trait']);
  });
});
