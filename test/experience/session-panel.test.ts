/** The session award's panel and summary: pages of select menus, custom ids, and what each section says. */
import { describe, expect, it } from 'vitest';
import type { APIActionRowComponent, APIComponentInActionRow, APIEmbed } from 'discord.js';
import { changeIdempotencyKey } from '../../src/experience/change.js';
import { omitId, panelMessage, publicRecord, startId, summaryMessage, type GrantOutcome, type SessionAward } from '../../src/experience/session-panel.js';

const member = (i: number) => ({ id: `77800000000000${String(i).padStart(4, '0')}`, name: `Player ${i}` });

function session(count: number, overrides: Partial<SessionAward> = {}): SessionAward {
  return {
    interactionId: '1300000000000000001',
    guildId: '1300000000000000002',
    channelId: '1300000000000000003',
    actorDiscordId: '1300000000000000004',
    amount: 5,
    campaign: { id: '0197e3e1-3d4e-7f5a-86b7-8c9d0e1f2a3b', name: 'Requiem' },
    reason: 'Session 12',
    source: { kind: 'voice', id: '1300000000000000005', name: 'Session' },
    members: Array.from({ length: count }, (_, i) => member(i)),
    skipped: [{ id: '1300000000000000099', name: 'Drifter', why: "hasn't linked a Valentina account (`/link`)" }],
    leftOut: [],
    ...overrides,
  };
}

const rows = (reply: ReturnType<typeof panelMessage>) =>
  (reply.components ?? []).map((row) => ('toJSON' in row ? row.toJSON() : row) as APIActionRowComponent<APIComponentInActionRow>);
const embed = (reply: { embeds?: readonly unknown[] | undefined }) => {
  const first = reply.embeds?.[0] as { toJSON?: () => APIEmbed } | APIEmbed;
  return 'toJSON' in first && first.toJSON ? first.toJSON() : (first as APIEmbed);
};

describe('session award panel', () => {
  it('pages the members into select menus of 25, then one Confirm button naming the count', () => {
    const reply = panelMessage(session(60, { leftOut: [member(30).id] }), Date.now() + 60_000);
    const components = rows(reply);
    expect(components).toHaveLength(4);
    const selects = components.slice(0, 3).map((row) => row.components[0] as { custom_id: string; options: Array<{ value: string; default?: boolean }>; max_values: number });
    expect(selects.map((s) => s.options.length)).toEqual([25, 25, 10]);
    expect(selects.map((s) => omitId.decode(s.custom_id))).toEqual([0, 1, 2].map((p) => ({ ok: true, value: { i: '1300000000000000001', p } })));
    expect(selects[1]!.options.find((o) => o.value === member(30).id)?.default).toBe(true);
    const button = components[3]!.components[0] as { label: string; custom_id: string; disabled?: boolean };
    expect(button.label).toBe('Grant 5 XP to 59 members');
    expect(startId.decode(button.custom_id)).toEqual({ ok: true, value: { i: '1300000000000000001' } });
    expect(embed(reply).description).toContain('**Left out (1)**');
    expect(embed(reply).description).toContain("**Skipped (1)**\n• <@1300000000000000099> hasn't linked");
    expect(reply.ephemeral).toBe(true);
  });

  it('disables Confirm when everyone is left out', () => {
    const all = session(2);
    const reply = panelMessage({ ...all, leftOut: all.members.map((m) => m.id) }, Date.now());
    const button = rows(reply).at(-1)!.components[0] as { label: string; disabled?: boolean };
    expect(button).toMatchObject({ label: 'Nobody to grant', disabled: true });
  });

  it('summarises granted, failed with why, left out and skipped; the public record names only the granted', () => {
    const award = session(3, { leftOut: [member(2).id] });
    const results = new Map<string, GrantOutcome>([
      [member(0).id, { status: 'granted' }],
      [member(1).id, { status: 'failed', why: '— Valentina is not answering right now. (request req_abc)' }],
    ]);
    const summary = embed(summaryMessage(award, results));
    expect(summary.title).toBe('Session award done: 1 granted, 1 failed');
    expect(summary.description).toContain(`**Granted 5 XP (1)**\n<@${member(0).id}>`);
    expect(summary.description).toContain(`**Failed (1)**\n• <@${member(1).id}> — Valentina is not answering right now. (request req_abc)`);
    expect(summary.description).toContain(`**Left out (1)**\n<@${member(2).id}>`);
    const record = publicRecord(award, results)!;
    expect(record.title).toBe('Session award: +5 XP for 1 player');
    expect(record.description).toBe(`<@1300000000000000004> gave **5 XP** each in *Requiem* to <@${member(0).id}>.`);
    expect(publicRecord(award, new Map())).toBeNull();
  });

  it('keeps the description within Discord’s limit however many members fail', () => {
    const award = session(100);
    const results = new Map<string, GrantOutcome>(award.members.map((m) => [m.id, { status: 'failed', why: `— ${'x'.repeat(120)}` }]));
    const description = embed(summaryMessage(award, results)).description!;
    expect(description.length).toBeLessThanOrEqual(4096);
    expect(description).toContain(`**Failed (100)**\n• <@${member(0).id}>`);
    expect(description.endsWith('…and more than fits here.')).toBe(true);
  });

  it('gives each member of a session its own idempotency key, well under the 255 characters', () => {
    const key = changeIdempotencyKey({ interactionId: '1300000000000000001', kind: 'xp-add', part: member(7).id });
    expect(key).toBe(`1300000000000000001:xp-add:${member(7).id}`);
    expect(key).toMatch(/^[0-9a-z:-]{1,64}$/);
    expect(changeIdempotencyKey({ interactionId: '1300000000000000001', kind: 'xp-add' })).toBe('1300000000000000001:xp-add');
  });
});
