import type { PageQuery } from '../pagination.js';
import { CampaignSchema, pageSchema, RollStatisticsSchema, type Campaign, type Page } from '../schemas.js';
import type { ActingOptions, RequestOptions } from '../options.js';
import { Service, withPage } from './base.js';

const CampaignPage = pageSchema(CampaignSchema);

export class CampaignsService extends Service {
  /** K1 one page of the company's campaigns, sorted by name. */
  page(companyId: string, query?: PageQuery, options?: RequestOptions): Promise<Page<Campaign>> {
    return this.call({ method: 'GET', template: '/companies/{cid}/campaigns', params: { cid: companyId }, query: withPage(query), schema: CampaignPage, options });
  }
  listAll(companyId: string, options?: RequestOptions): Promise<Campaign[]> {
    return this.pages((p) => this.page(companyId, p, options)).all();
  }
  iterate(companyId: string, options?: RequestOptions) {
    return this.pages((p) => this.page(companyId, p, options)).iterate();
  }
  /** K2 */
  get(companyId: string, campaignId: string, options?: RequestOptions) {
    return this.call({ method: 'GET', template: '/companies/{cid}/campaigns/{campaign_id}', params: { cid: companyId, campaign_id: campaignId }, schema: CampaignSchema, options });
  }
  /** K3 */
  statistics(companyId: string, campaignId: string, query: { numTopTraits?: number } = {}, options?: ActingOptions) {
    return this.call({
      method: 'GET',
      template: '/companies/{cid}/campaigns/{campaign_id}/statistics',
      params: { cid: companyId, campaign_id: campaignId },
      query: { num_top_traits: query.numTopTraits },
      onBehalfOf: options?.onBehalfOf,
      schema: RollStatisticsSchema,
      options,
    });
  }
}
