import type { PageQuery } from '../pagination.js';
import { pageSchema, QuickrollSchema, type Page, type Quickroll } from '../schemas.js';
import type { ActingOptions, ActorOptions } from '../options.js';
import { Service, withPage } from './base.js';

const QuickrollPage = pageSchema(QuickrollSchema);

export interface QuickrollInput {
  name: string;
  description?: string;
  /** Trait or CharacterTrait ids; at least one. */
  trait_ids: string[];
}

export class QuickrollsService extends Service {
  /** Q1 one page of the user's quickrolls, sorted by name. */
  page(companyId: string, userId: string, query?: PageQuery, options?: ActingOptions): Promise<Page<Quickroll>> {
    return this.call({
      method: 'GET',
      template: '/companies/{cid}/users/{uid}/quickrolls',
      params: { cid: companyId, uid: userId },
      query: withPage(query),
      onBehalfOf: options?.onBehalfOf,
      schema: QuickrollPage,
      options,
    });
  }
  listAll(companyId: string, userId: string, options?: ActingOptions): Promise<Quickroll[]> {
    return this.pages((p) => this.page(companyId, userId, p, options)).all();
  }
  iterate(companyId: string, userId: string, options?: ActingOptions) {
    return this.pages((p) => this.page(companyId, userId, p, options)).iterate();
  }
  /** Q2 */
  get(companyId: string, userId: string, quickrollId: string, options?: ActingOptions) {
    return this.call({ method: 'GET', template: '/companies/{cid}/users/{uid}/quickrolls/{quickroll_id}', params: { cid: companyId, uid: userId, quickroll_id: quickrollId }, onBehalfOf: options?.onBehalfOf, schema: QuickrollSchema, options });
  }
  /** Q3 (self or ADMIN). Names are not unique-checked by the API: check the list first. */
  create(companyId: string, userId: string, input: QuickrollInput, options: ActorOptions) {
    return this.call({ method: 'POST', template: '/companies/{cid}/users/{uid}/quickrolls', params: { cid: companyId, uid: userId }, body: input, onBehalfOf: options.onBehalfOf, schema: QuickrollSchema, options });
  }
  /** Q4 (self or ADMIN). `trait_ids`, when given, replaces the whole set. */
  update(companyId: string, userId: string, quickrollId: string, input: Partial<QuickrollInput>, options: ActorOptions) {
    return this.call({ method: 'PATCH', template: '/companies/{cid}/users/{uid}/quickrolls/{quickroll_id}', params: { cid: companyId, uid: userId, quickroll_id: quickrollId }, body: input, onBehalfOf: options.onBehalfOf, schema: QuickrollSchema, options });
  }
  /** Q5 (self or ADMIN). */
  async delete(companyId: string, userId: string, quickrollId: string, options: ActorOptions): Promise<void> {
    await this.call({ method: 'DELETE', template: '/companies/{cid}/users/{uid}/quickrolls/{quickroll_id}', params: { cid: companyId, uid: userId, quickroll_id: quickrollId }, onBehalfOf: options.onBehalfOf, schema: null, options });
  }
}
