/**
 * Pagination over the API's `{items, limit, offset, total}` envelope, in the three forms the API's
 * own Python client offers: one page, everything, or an async iterator that fetches lazily.
 */
import type { Page } from './schemas.js';

export interface PageQuery {
  limit?: number;
  offset?: number;
}

export type PageFetcher<T> = (page: Required<PageQuery>) => Promise<Page<T>>;

/** Default page size when walking everything: the API's maximum for ordinary lists. */
export const MAX_PAGE_SIZE = 100;

/** Yields every item, fetching the next page only when needed (`offset += limit` while `offset < total`). */
export async function* iteratePages<T>(fetchPage: PageFetcher<T>, pageSize = MAX_PAGE_SIZE): AsyncGenerator<T, void, undefined> {
  let offset = 0;
  for (;;) {
    const page = await fetchPage({ limit: pageSize, offset });
    yield* page.items;
    offset += page.limit > 0 ? page.limit : pageSize;
    if (page.items.length === 0 || offset >= page.total) return;
  }
}

export async function collectPages<T>(fetchPage: PageFetcher<T>, pageSize = MAX_PAGE_SIZE): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iteratePages(fetchPage, pageSize)) all.push(item);
  return all;
}
