import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CUSTOM_ID_MAX_LENGTH, defineCustomId, parseCustomIdHeader } from '../../src/discord/custom-id.js';

const page = defineCustomId('help.page', z.object({ page: z.number().int().min(0).max(99) }));
const note = defineCustomId(
  'note.edit',
  z.object({
    title: z.string().max(80),
    pinned: z.boolean(),
    kind: z.enum(['recap', 'journal']),
    owner: z.string().optional(),
  }),
  { version: 3 },
);

describe('custom ids', () => {
  it('round-trips every field type, including separators and escapes inside text', () => {
    const value = { title: 'Elysium | 100% | %7C literal', pinned: true, kind: 'journal' as const, owner: undefined };
    const id = note.encode(value);
    expect(id.startsWith('v3|note.edit|')).toBe(true);
    expect(note.decode(id)).toEqual({ ok: true, value: { title: value.title, pinned: true, kind: 'journal' } });

    const withOwner = note.encode({ ...value, pinned: false, owner: '402817294562377729' });
    expect(note.decode(withOwner)).toEqual({
      ok: true,
      value: { title: value.title, pinned: false, kind: 'journal', owner: '402817294562377729' },
    });
  });

  it('is compact: a small payload costs a few characters', () => {
    expect(page.encode({ page: 3 })).toBe('v1|help.page|3');
  });

  it('refuses to build an id Discord would reject, and values the schema rejects', () => {
    expect(() => note.encode({ title: 'x'.repeat(80), pinned: true, kind: 'recap', owner: 'y'.repeat(40) })).toThrow(RangeError);
    expect(() => page.encode({ page: 100 })).toThrow();
    const longest = note.encode({ title: 'x'.repeat(60), pinned: true, kind: 'recap' });
    expect(longest.length).toBeLessThanOrEqual(CUSTOM_ID_MAX_LENGTH);
  });

  it('reads an id made by another version of the route as stale', () => {
    expect(page.decode('v2|help.page|3')).toEqual({ ok: false, reason: 'stale' });
    const older = defineCustomId('help.page', z.object({ page: z.number() }), { version: 2 });
    expect(older.decode(page.encode({ page: 1 }))).toEqual({ ok: false, reason: 'stale' });
  });

  it('reports ids of another route as unknown', () => {
    expect(page.decode(note.encode({ title: 't', pinned: true, kind: 'recap' }))).toEqual({ ok: false, reason: 'unknown' });
  });

  it('reports tampered or foreign ids as malformed, never throwing', () => {
    for (const raw of ['', 'hello', 'v1|help.page', 'v1|help.page|3|4', 'v1|help.page|three', 'v1|help.page|-1', 'v1|HELP|3', 'x'.repeat(101)]) {
      const result = page.decode(raw);
      expect(result.ok, raw).toBe(false);
    }
    expect(page.decode('v1|help.page|three')).toEqual({ ok: false, reason: 'malformed' });
    expect(note.decode('v3|note.edit|t|maybe|recap|')).toEqual({ ok: false, reason: 'malformed' });
    expect(note.decode('v3|note.edit|t|1|poem|')).toEqual({ ok: false, reason: 'malformed' });
  });

  it('parses the header of any id in the scheme, and nothing else', () => {
    expect(parseCustomIdHeader('v1|help.page|3')).toEqual({ version: 1, name: 'help.page', fields: ['3'] });
    expect(parseCustomIdHeader('button-1')).toBeUndefined();
  });

  it('rejects definitions whose name cannot be routed', () => {
    expect(() => defineCustomId('Help Page', z.object({}))).toThrow();
    expect(() => defineCustomId('a|b', z.object({}))).toThrow();
  });
});
