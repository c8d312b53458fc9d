/** Turning DMs into notes: titles within Valentina's bounds, content rules, splitting without cutting. */
import { describe, expect, it } from 'vitest';
import { composeNotes, makeTitle, numberedTitle, splitContent } from '../../src/notes/compose.js';
import { retryDelay } from '../../src/notes/job.js';
import { NOTE_LIMITS, undoExpired } from '../../src/notes/settings.js';
import { ValentinaRateLimitError } from '../../src/valentina/index.js';

const day = new Date('2026-07-14T20:00:00Z');
const part = (text: string, attachments: Array<{ name: string; url: string }> = []) => ({ text, attachments });

describe('composeNotes', () => {
  it('takes the first line as the title and the rest as content; a one-line message is both', () => {
    expect(composeNotes([part('Session 14 recap\nThe seneschal owes us.')], day)).toEqual({ ok: true, drafts: [{ title: 'Session 14 recap', content: 'The seneschal owes us.' }], totalChars: 22 });
    expect(composeNotes([part('Remember the boon')], day)).toMatchObject({ drafts: [{ title: 'Remember the boon', content: 'Remember the boon' }] });
  });

  it('keeps titles within 3–50 characters: cut with an ellipsis, padded when short, markdown markers dropped', () => {
    const long = makeTitle('A very long first line that goes on and on about the Prince and his court', day);
    expect(long.length).toBeLessThanOrEqual(NOTE_LIMITS.titleMax);
    expect(long.endsWith('…')).toBe(true);
    expect(makeTitle('ok', day)).toBe('Note: ok');
    expect(makeTitle('   ', day)).toBe('Note of 2026-07-14');
    expect(makeTitle('## **Boons** owed', day)).toBe('Boons owed');
    expect(numberedTitle('x'.repeat(50), 1, 3)).toMatch(/^x+… \(2\/3\)$/);
    expect(numberedTitle('x'.repeat(50), 1, 3).length).toBe(50);
  });

  it('never cuts an emoji in half when shortening a title or splitting content', () => {
    const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    const title = makeTitle('🧛'.repeat(60), day);
    expect(title).toBe(`${'🧛'.repeat(24)}…`);
    expect(title).not.toMatch(lone);
    expect(numberedTitle('🧛'.repeat(25), 0, 2)).not.toMatch(lone);
    const chunks = splitContent('🩸'.repeat(15_000), 20_000);
    expect(chunks.some((c) => lone.test(c))).toBe(false);
    expect(chunks.join('')).toBe('🩸'.repeat(15_000));
  });

  it('uses the whole message as content when the rest is shorter than 3 characters, and refuses a note under 3', () => {
    expect(composeNotes([part('Title\nok')], day)).toMatchObject({ drafts: [{ title: 'Title', content: 'Title\nok' }] });
    expect(composeNotes([part('hi')], day)).toEqual({ ok: false, reason: expect.stringContaining('at least 3 characters') as string });
  });

  it('joins a burst and lists attachments as links; a file alone gets a title from its name', () => {
    const composed = composeNotes([part('Map of the docks'), part('north side', [{ name: 'map[1].png', url: 'https://cdn.example/map.png' }])], day);
    expect(composed).toMatchObject({ drafts: [{ title: 'Map of the docks', content: 'north side\n\n**Attachments**\n- [map1.png](https://cdn.example/map.png)' }] });
    expect(composeNotes([part('', [{ name: 'sketch.jpg', url: 'https://cdn.example/s.jpg' }])], day)).toMatchObject({ drafts: [{ title: 'File: sketch.jpg' }] });
  });

  it('splits content over 20,000 characters into numbered notes of similar size, losing nothing', () => {
    const body = Array.from({ length: 500 }, (_, i) => `Line ${i} ${'of the long night '.repeat(5).trim()}`).join('\n');
    const composed = composeNotes([part(`Chronicle\n${body}`)], day);
    if (!composed.ok) throw new Error(composed.reason);
    expect(composed.drafts.map((d) => d.title)).toEqual(['Chronicle (1/3)', 'Chronicle (2/3)', 'Chronicle (3/3)']);
    expect(composed.drafts.every((d) => d.content.length <= NOTE_LIMITS.contentMax && d.content.length > 10_000)).toBe(true);
    expect(composed.drafts.map((d) => d.content).join('\n')).toBe(body);
  });

  it('splits at word boundaries when there are no line breaks', () => {
    const words = 'blood '.repeat(5_000).trim();
    const chunks = splitContent(words, 20_000);
    expect(chunks).toHaveLength(2);
    expect(chunks.every((c) => !c.startsWith(' ') && c.startsWith('blood') && c.endsWith('blood'))).toBe(true);
    expect(chunks.join(' ')).toBe(words);
  });
});

describe('timing rules', () => {
  it('lets Undo work for a minute after saving', () => {
    const savedAt = 1_800_000_000;
    expect(undoExpired(savedAt, savedAt * 1000 + 59_000)).toBe(false);
    expect(undoExpired(savedAt, savedAt * 1000 + 61_000)).toBe(true);
  });

  it('backs off exponentially up to five minutes and never sooner than a rate limit asks', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4].map((n) => retryDelay(n, undefined, mid))).toEqual([2_000, 4_000, 8_000, 16_000]);
    expect(retryDelay(30, undefined, mid)).toBe(300_000);
    const limited = new ValentinaRateLimitError({ status: 429, detail: 'You are being rate limited.', method: 'POST', endpoint: '/x', retryAfterMs: 45_000 });
    expect(retryDelay(1, limited, mid)).toBe(45_000);
  });
});
