/**
 * Valentina's rate-limit headers (contract §1.9), one entry per bucket: `RateLimit-Policy` (capacity
 * `q`, seconds to refill from empty `w`) and `RateLimit` (whole tokens left `r`, seconds to the next
 * token `t`), both RFC 9651 lists of strings with parameters. The request budget (budget.ts) sizes and
 * corrects itself from the tightest of the key's global buckets; route buckets are left out.
 */

/** Buckets that apply to some routes only: they say nothing about the key's global budget. */
const ROUTE_BUCKETS = new Set(['user_registration']);

interface HeaderItem {
  name: string;
  params: Map<string, number>;
}

/** Parses `"burst";q=30;w=60, "hourly";r=998;t=0` (RFC 9651 list of strings with parameters). */
export function parseRateLimitHeader(value: string | undefined): HeaderItem[] {
  if (!value) return [];
  const items: HeaderItem[] = [];
  for (const part of value.split(',')) {
    const [rawName, ...rawParams] = part.split(';').map((piece) => piece.trim());
    const name = rawName?.replace(/^"|"$/g, '');
    if (!name) continue;
    const params = new Map<string, number>();
    for (const param of rawParams) {
      const [key, raw] = param.split('=');
      const number = Number(raw);
      if (key && raw !== undefined && Number.isFinite(number)) params.set(key.trim(), number);
    }
    items.push({ name, params });
  }
  return items.filter((item) => !ROUTE_BUCKETS.has(item.name));
}

/** The smallest capacity and the slowest refill of the key's global buckets: a bucket as strict as all of them. */
export function tightestPolicy(header: string | undefined): { capacity: number; ratePerMs: number } | undefined {
  let capacity = Infinity;
  let ratePerMs = Infinity;
  for (const { params } of parseRateLimitHeader(header)) {
    const q = params.get('q');
    const w = params.get('w');
    if (q === undefined || w === undefined || q < 1 || w <= 0) continue;
    capacity = Math.min(capacity, q);
    ratePerMs = Math.min(ratePerMs, q / (w * 1000));
  }
  return Number.isFinite(capacity) ? { capacity, ratePerMs } : undefined;
}

/** The bucket with the fewest tokens left: its remaining tokens and the wait for its next one. */
export function tightestState(header: string | undefined): { remaining: number; nextMs: number } | undefined {
  let best: { remaining: number; nextMs: number } | undefined;
  for (const { params } of parseRateLimitHeader(header)) {
    const r = params.get('r');
    if (r === undefined || r < 0) continue;
    const nextMs = Math.max(0, (params.get('t') ?? 0) * 1000);
    if (!best || r < best.remaining || (r === best.remaining && nextMs > best.nextMs)) best = { remaining: r, nextMs };
  }
  return best;
}
