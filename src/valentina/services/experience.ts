import { CampaignExperienceSchema } from '../schemas.js';
import type { ActingOptions, ActorOptions } from '../options.js';
import { Service } from './base.js';

export interface ExperienceChange {
  /** Whole number ≥ 1. */
  amount: number;
  campaignId: string;
}

/** The fixed exchange rate of cool points (contract §2.4): not a setting. */
export const XP_PER_COOL_POINT = 10;

export class ExperienceService extends Service {
  /** X1 `GET .../users/{uid}/experience/{campaign_id}` (creates a zero record on first read). */
  get(companyId: string, userId: string, campaignId: string, options?: ActingOptions) {
    return this.call({
      method: 'GET',
      template: '/companies/{cid}/users/{uid}/experience/{campaign_id}',
      params: { cid: companyId, uid: userId, campaign_id: campaignId },
      onBehalfOf: options?.onBehalfOf,
      schema: CampaignExperienceSchema,
      options,
    });
  }
  /** X2 add XP. Pass an idempotency key: a retried grant must never apply twice. */
  addXp(companyId: string, userId: string, change: ExperienceChange, options: ActorOptions) {
    return this.write('/companies/{cid}/users/{uid}/experience/xp/add', companyId, userId, change, options);
  }
  /** X3 remove XP (400 "not enough XP" when `xp_current` < amount). */
  removeXp(companyId: string, userId: string, change: ExperienceChange, options: ActorOptions) {
    return this.write('/companies/{cid}/users/{uid}/experience/xp/remove', companyId, userId, change, options);
  }
  /** X4 add cool points (each also adds {@link XP_PER_COOL_POINT} XP). */
  addCoolPoints(companyId: string, userId: string, change: ExperienceChange, options: ActorOptions) {
    return this.write('/companies/{cid}/users/{uid}/experience/cp/add', companyId, userId, change, options);
  }

  private write(template: string, companyId: string, userId: string, change: ExperienceChange, options: ActorOptions) {
    return this.call({
      method: 'POST',
      template,
      params: { cid: companyId, uid: userId },
      body: { amount: change.amount, campaign_id: change.campaignId },
      onBehalfOf: options.onBehalfOf,
      schema: CampaignExperienceSchema,
      options,
    });
  }
}
