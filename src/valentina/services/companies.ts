import { CompanySchema, DeveloperSchema, pageSchema, RollStatisticsSchema, type Company, type Page } from '../schemas.js';
import type { ActingOptions, RequestOptions } from '../options.js';
import type { PageQuery } from '../pagination.js';
import { Service, withPage } from './base.js';

const CompanyPage = pageSchema(CompanySchema);

export class DevelopersService extends Service {
  /** D1 `GET /developers/me`: the key's developer and the companies it reaches. */
  me(options?: RequestOptions) {
    return this.call({ method: 'GET', template: '/developers/me', schema: DeveloperSchema, options });
  }
}

export class CompaniesService extends Service {
  /** C1 `GET /companies`: one page of the companies the API key can reach, sorted by name. */
  page(query?: PageQuery, options?: RequestOptions): Promise<Page<Company>> {
    return this.call({ method: 'GET', template: '/companies', query: withPage(query), schema: CompanyPage, options });
  }
  listAll(options?: RequestOptions): Promise<Company[]> {
    return this.pages((p) => this.page(p, options)).all();
  }
  iterate(options?: RequestOptions) {
    return this.pages((p) => this.page(p, options)).iterate();
  }
  /** C2 `GET /companies/{cid}` (settings included). */
  get(companyId: string, options?: RequestOptions) {
    return this.call({ method: 'GET', template: '/companies/{cid}', params: { cid: companyId }, schema: CompanySchema, options });
  }
  /** C3 `GET /companies/{cid}/statistics`. */
  statistics(companyId: string, query: { numTopTraits?: number } = {}, options?: ActingOptions) {
    return this.call({
      method: 'GET',
      template: '/companies/{cid}/statistics',
      params: { cid: companyId },
      query: { num_top_traits: query.numTopTraits },
      onBehalfOf: options?.onBehalfOf,
      schema: RollStatisticsSchema,
      options,
    });
  }
}
