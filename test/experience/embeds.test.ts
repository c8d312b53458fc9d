import { describe, expect, it } from 'vitest';
import { xpChangeEmbed, xpShowEmbed } from '../../src/experience/embeds.js';

const after = { id: 'e', campaign_id: 'c', user_id: 'u', xp_current: 31, xp_total: 67, cool_points: 3 };

describe('XP embeds', () => {
  it('states what cool points were worth from the balances, not from a constant', () => {
    const embed = xpChangeEmbed({
      kind: 'cp-add', actorId: '1', targetId: '2', targetName: 'Mara', amount: 1, campaignName: 'Requiem',
      reason: null, before: { xp_current: 21, xp_total: 57, cool_points: 2 }, after,
    }).toJSON();
    expect(embed.title).toBe('+1 cool point for Mara');
    expect(embed.description).toBe('<@1> gave <@2> **1 cool point** (worth 10 XP) in *Requiem*.');
    expect(embed.fields?.map((f) => f.value)).toEqual(['21 → 31', '57 → 67', '2 → 3']);
  });

  it('keeps a long reason within Discord’s field limit', () => {
    const embed = xpChangeEmbed({
      kind: 'xp-add', actorId: '1', targetId: '2', targetName: 'Mara', amount: 5, campaignName: 'Requiem',
      reason: 'x'.repeat(2000), before: null, after,
    }).toJSON();
    expect(embed.fields?.find((f) => f.name === 'Reason')?.value).toHaveLength(1024);
  });

  it('shows an empty state and one line per campaign', () => {
    expect(xpShowEmbed('Mara', 'Chicago by Night', []).toJSON().description).toContain('No experience recorded');
    const shown = xpShowEmbed('Mara', 'Chicago by Night', [{ campaignName: 'Requiem', experience: after }], { xp: 70, coolPoints: 3 }).toJSON();
    expect(shown.fields?.[0]?.value).toBe('**31** XP available · 67 total · 3 cool points');
    expect(shown.footer?.text).toBe('Lifetime: 70 XP · 3 cool points');
  });

  it('says "1 cool point" in the lifetime line too', () => {
    const one = xpShowEmbed('Bastien', 'Chicago by Night', [{ campaignName: 'Requiem', experience: { xp_current: 12, xp_total: 30, cool_points: 1 } }], { xp: 30, coolPoints: 1 }).toJSON();
    expect(one.fields?.[0]?.value).toBe('**12** XP available · 30 total · 1 cool point');
    expect(one.footer?.text).toBe('Lifetime: 30 XP · 1 cool point');
  });
});
