import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/discord/errors.js';
import { NO_CAMPAIGN_MESSAGE, pickCampaign, STALE_DEFAULT_MESSAGE } from '../../src/experience/campaign.js';
import { MAX_CP_AMOUNT, MAX_XP_AMOUNT as MAX_AMOUNT, validAmount } from '../../src/experience/change.js';

const requiem = { id: '0197e3c2-0000-7000-8000-000000000001', name: 'Requiem for the Loop' };
const requiemII = { id: '0197e3c2-0000-7000-8000-000000000002', name: 'Requiem II' };
const ashes = { id: '0197e3c2-0000-7000-8000-000000000003', name: 'Ashes' };
const campaigns = [requiem, requiemII, ashes];
const bound = { companyName: 'Chicago by Night', defaultCampaignId: ashes.id };
const unbound = { companyName: 'Chicago by Night', defaultCampaignId: null };

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
};

describe('pickCampaign', () => {
  it('takes the id autocomplete sent, in any letter case', () => {
    expect(pickCampaign(requiemII.id.toUpperCase(), campaigns, unbound)).toBe(requiemII);
  });

  it('takes a typed name when it is the only match, or the exact one among several', () => {
    expect(pickCampaign('loop', campaigns, unbound)).toBe(requiem);
    expect(pickCampaign('requiem ii', campaigns, unbound)).toBe(requiemII);
    expect(refusal(() => pickCampaign('requiem', campaigns, unbound))).toContain('Several campaigns match "requiem"');
    expect(refusal(() => pickCampaign('Nowhere', campaigns, unbound))).toContain('no campaign called "Nowhere" in **Chicago by Night**');
  });

  it("falls back to the server's default, and says how to choose without one", () => {
    expect(pickCampaign(null, campaigns, bound)).toBe(ashes);
    expect(pickCampaign('  ', campaigns, bound)).toBe(ashes);
    expect(refusal(() => pickCampaign(null, campaigns, unbound))).toBe(NO_CAMPAIGN_MESSAGE);
    expect(NO_CAMPAIGN_MESSAGE).toContain('`/setup`');
    expect(refusal(() => pickCampaign(null, [requiem], bound))).toBe(STALE_DEFAULT_MESSAGE);
  });
});

describe('validAmount', () => {
  it('accepts whole numbers from 1 to the maximum and refuses the rest', () => {
    expect(validAmount(1)).toBe(1);
    expect(validAmount(MAX_AMOUNT)).toBe(MAX_AMOUNT);
    for (const bad of [0, -3, MAX_AMOUNT + 1, 2.5]) {
      expect(refusal(() => validAmount(bad))).toContain(`from 1 to ${MAX_AMOUNT}`);
    }
    expect(validAmount(MAX_CP_AMOUNT, 'cp-add')).toBe(MAX_CP_AMOUNT);
    for (const bad of [0, MAX_CP_AMOUNT + 1, 1000]) {
      expect(refusal(() => validAmount(bad, 'cp-add'))).toContain(`from 1 to ${MAX_CP_AMOUNT}`);
    }
  });
});
