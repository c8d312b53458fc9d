/** The search snippet: a window around the match, in bold, without the note's own markdown. */
import { describe, expect, it } from 'vitest';
import { snippet } from '../../src/notes/views.js';

describe('snippet', () => {
  const content = "Met the Prince's seneschal at **the Succubus Club**. Owe Bastien a boon.";

  it('bolds the match and drops the markdown around it', () => {
    expect(snippet(content, content.indexOf('Succubus'), 'Succubus'.length)).toBe("Met the Prince's seneschal at the **Succubus** Club. Owe Bastien a boon.");
  });

  it('shows no empty bold markers when the match is only markdown', () => {
    const line = snippet(content, content.indexOf('**'), 2);
    expect(line).not.toContain('****');
    expect(line).toBe("Met the Prince's seneschal at the Succubus Club. Owe Bastien a boon.");
  });
});
