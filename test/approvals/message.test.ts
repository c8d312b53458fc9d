/** The approval request as storytellers see it: fields, privacy, buttons and their custom ids. */
import { describe, expect, it } from 'vitest';
import { approveId, decidedEmbed, denyId, mergeId, pickMergeTargets, requestComponents, requestEmbed, type MergeTarget } from '../../src/approvals/message.js';
import { CUSTOM_ID_MAX_LENGTH } from '../../src/discord/custom-id.js';
import type { User } from '../../src/valentina/index.js';

const companyId = '0197e3d0-0000-7000-8000-000000000001';
const userId = '0197e3d0-0000-7000-8000-0000000000ff';

function applicant(overrides: Partial<User> = {}): User {
  return {
    id: userId,
    company_id: companyId,
    username: 'ghoulfriend',
    email: 'ghoul@example.net',
    role: 'UNAPPROVED',
    date_created: '2026-11-20T10:00:00Z',
    avatar_url: null,
    discord_profile: { id: '700000000000000001', username: 'ghoul', avatar_url: 'https://cdn.example/ghoul.png' },
    ...overrides,
  } as User;
}

describe('requestEmbed', () => {
  it('shows the Discord user, the Valentina username and when they linked, but not the email by default', () => {
    const embed = requestEmbed(applicant(), 'Chicago by Night', false).toJSON();
    const fields = Object.fromEntries((embed.fields ?? []).map((f) => [f.name, f.value]));
    expect(embed.title).toContain('Chicago by Night');
    expect(fields.Discord).toContain('<@700000000000000001>');
    expect(fields['Valentina username']).toBe('ghoulfriend');
    expect(fields.Linked).toBe(`<t:${Date.parse('2026-11-20T10:00:00Z') / 1000}:R>`);
    expect(JSON.stringify(embed)).not.toContain('ghoul@example.net');
    expect(embed.thumbnail?.url).toBe('https://cdn.example/ghoul.png');
  });

  it('shows the email when the server opted in', () => {
    const embed = requestEmbed(applicant(), 'Chicago by Night', true).toJSON();
    expect(embed.fields?.find((f) => f.name === 'Email')?.value).toBe('ghoul@example.net');
  });
});

describe('request components', () => {
  const targets: MergeTarget[] = Array.from({ length: 30 }, (_, i) => ({
    id: `0197e3d0-0000-7000-8000-${String(i).padStart(12, '0')}`,
    username: `user${String(i).padStart(2, '0')}`,
    role: i === 3 ? 'UNAPPROVED' : 'PLAYER',
    hasDiscord: i % 2 === 0,
  }));

  it('offers approve as player, approve as storyteller and deny, with ids that decode to the request', () => {
    const [buttons] = requestComponents(companyId, userId, []).map((row) => row.toJSON());
    const ids = buttons!.components.map((c) => ('custom_id' in c ? c.custom_id : ''));
    expect(buttons!.components.map((c) => ('label' in c ? c.label : ''))).toEqual(['Approve as player', 'Approve as storyteller', 'Deny']);
    for (const id of ids) expect(id.length).toBeLessThanOrEqual(CUSTOM_ID_MAX_LENGTH);
    expect(approveId.decode(ids[0]!)).toEqual({ ok: true, value: { c: companyId, u: userId, r: 'P' } });
    expect(approveId.decode(ids[1]!)).toEqual({ ok: true, value: { c: companyId, u: userId, r: 'S' } });
    expect(denyId.decode(ids[2]!)).toEqual({ ok: true, value: { c: companyId, u: userId } });
  });

  it('lists at most 25 merge targets, accounts without Discord first, never the unapproved or the applicant', () => {
    const picked = pickMergeTargets([...targets, { id: userId, username: 'self', role: 'PLAYER', hasDiscord: false }], userId);
    expect(picked).toHaveLength(25);
    expect(picked.some((t) => t.role === 'UNAPPROVED' || t.id === userId)).toBe(false);
    expect(picked.slice(0, 14).every((t) => !t.hasDiscord)).toBe(true);
    const rows = requestComponents(companyId, userId, picked).map((row) => row.toJSON());
    const select = rows[1]!.components[0] as { custom_id: string; options: Array<{ label: string; description?: string }> };
    expect(mergeId.decode(select.custom_id)).toEqual({ ok: true, value: { c: companyId, u: userId } });
    expect(select.options).toHaveLength(25);
    expect(select.options[0]!.description).toContain('no Discord account yet');
  });

  it('has no merge menu when there is nobody to merge into', () => {
    expect(requestComponents(companyId, userId, [])).toHaveLength(1);
  });
});

describe('decidedEmbed', () => {
  it('keeps the request, adds who decided and when, and drops the footer', () => {
    const original = requestEmbed(applicant(), 'Chicago by Night', false).toJSON();
    const at = new Date('2026-11-21T12:00:00Z');
    const decided = decidedEmbed(original, 'approved', 'Approved as player by <@1>', at).toJSON();
    expect(decided.fields).toEqual(original.fields);
    expect(decided.description).toBe(`Approved as player by <@1> · <t:${at.getTime() / 1000}:f>`);
    expect(decided.footer).toBeUndefined();
    expect(decided.color).not.toBe(original.color);
  });
});
