import type { z } from 'zod';
import { collectPages, iteratePages, MAX_PAGE_SIZE, type PageQuery } from '../pagination.js';
import type { Page } from '../schemas.js';
import type { CallSpec } from '../options.js';
import type { Transport } from '../transport.js';

/** Shared plumbing of the resource services. */
export abstract class Service {
  constructor(protected readonly transport: Transport) {}

  protected call<S extends z.ZodTypeAny>(spec: CallSpec<S>): Promise<z.infer<S>> {
    return this.transport.call(spec);
  }

  /** One page, all pages, or a lazy iterator over a paged endpoint. */
  protected pages<T>(fetch: (page: Required<PageQuery>) => Promise<Page<T>>) {
    return {
      all: (pageSize = MAX_PAGE_SIZE) => collectPages(fetch, pageSize),
      iterate: (pageSize = MAX_PAGE_SIZE) => iteratePages(fetch, pageSize),
    };
  }
}

export const withPage = (query: PageQuery | undefined): Required<PageQuery> => ({
  limit: query?.limit ?? 10,
  offset: query?.offset ?? 0,
});
