/** Pools as typed: parsing, "did you mean", counting against a sheet and completing with dots. */
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/discord/errors.js';
import { completePool, countPool, editDistance, parsePool, poolLabel, poolText, suggestTrait } from '../../src/rolls/pool.js';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const CATALOGUE = ['Strength', 'Dexterity', 'Stamina', 'Firearms', 'Stealth', 'Brawl', 'Occult'].map((name, i) => ({ id: id(i + 1), name }));
const [strength, dexterity, , firearms, stealth, , occult] = CATALOGUE;
const SHEET = [
  { traitId: strength!.id, name: 'Strength', value: 2 },
  { traitId: dexterity!.id, name: 'Dexterity', value: 3 },
  { traitId: firearms!.id, name: 'Firearms', value: 2 },
  { traitId: stealth!.id, name: 'Stealth', value: 1 },
];

describe('parsePool', () => {
  it('reads traits and dice separated by + or commas, case-insensitively', () => {
    const pool = parsePool(CATALOGUE, 'dexterity + FIREARMS, 2');
    expect(pool.traits.map((t) => t.name)).toEqual(['Dexterity', 'Firearms']);
    expect(pool.dice).toBe(2);
    expect(poolText(pool)).toBe('Dexterity + Firearms + 2');
    expect(poolLabel(parsePool([], '5'))).toBe('5 dice');
  });

  it('names the likeliest trait for a misspelling', () => {
    expect(() => parsePool(CATALOGUE, 'Strenght + Brawl')).toThrow(new UserError('There is no rollable trait called **Strenght** in this company. Did you mean **Strength**?'));
    expect(suggestTrait(CATALOGUE, 'Firarms')?.name).toBe('Firearms');
    expect(suggestTrait(CATALOGUE, 'Xylophone')).toBeUndefined();
    expect(editDistance('strenght', 'strength')).toBe(1);
  });

  it('refuses an empty pool and a number of dice out of range', () => {
    expect(() => parsePool(CATALOGUE, ' + ')).toThrow(/Say what to roll/);
    expect(() => parsePool(CATALOGUE, '0')).toThrow(/1 to 50 dice/);
    expect(() => parsePool(CATALOGUE, '51')).toThrow(/1 to 50 dice/);
  });
});

describe('countPool', () => {
  it('sums the dots, names the traits the character lacks, and adds plain dice', () => {
    const counted = countPool(parsePool(CATALOGUE, 'Dexterity + Occult + 2'), SHEET);
    expect(counted).toEqual({ parts: [{ name: 'Dexterity', value: 3 }, { name: 'Extra dice', value: 2 }], missing: ['Occult'], size: 5, traitIds: [dexterity!.id, occult!.id] });
  });
});

describe('completePool', () => {
  it("shows each trait's dots and the running pool size, offering only traits the character has", () => {
    expect(completePool(CATALOGUE, SHEET, 'Dexterity + F')).toEqual([{ name: 'Dexterity ●●● + Firearms ●● = 5 dice', value: 'Dexterity + Firearms' }]);
    expect(completePool(CATALOGUE, SHEET, 'Dex + St').map((c) => c.value)).toEqual(['Dexterity + Stealth', 'Dexterity + Strength']);
    expect(completePool(CATALOGUE, SHEET, 'Occ')).toEqual([]);
  });

  it('corrects a misspelled term already typed, and keeps plain dice', () => {
    expect(completePool(CATALOGUE, SHEET, 'Strenght + 2')).toEqual([{ name: 'Strength ●● + 2 = 4 dice', value: 'Strength + 2' }]);
  });

  it('offers names alone without a sheet', () => {
    expect(completePool(CATALOGUE, null, 'Occ')).toEqual([{ name: 'Occult', value: 'Occult' }]);
  });
});
