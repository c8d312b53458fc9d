/** Request parsing helpers: typed body parsing with zod, query readers and the page envelope. */
import { z } from 'zod';
import { isUuid } from './ids.js';
import { badRequest, validationError, type InvalidParameter } from './problem.js';
import type { RouteContext } from './router.js';

/** Parses the JSON body with a schema; failures become a typed 400 naming each field. */
export function parseBody<S extends z.ZodType>(ctx: RouteContext, schema: S): z.output<S> {
  if (ctx.bodyInvalid) throw validationError([{ field: 'body', message: 'Request body is not valid JSON' }]);
  const result = schema.safeParse(ctx.body ?? {});
  if (!result.success) {
    throw validationError(
      result.error.issues.map((issue) => ({
        field: issue.path.length > 0 ? issue.path.map(String).join('.') : 'body',
        message: issue.message,
      })),
    );
  }
  return result.data;
}

export const uuidString = z.string().refine(isUuid, { message: 'Expected a UUID' });

/** Reads query parameters, collecting every problem before throwing one typed 400. */
export class QueryReader {
  private readonly issues: InvalidParameter[] = [];

  constructor(private readonly query: URLSearchParams) {}

  string(name: string): string | undefined {
    return this.query.get(name) ?? undefined;
  }

  int(name: string, fallback: number, bounds: { min?: number; max?: number } = {}): number {
    const raw = this.query.get(name);
    if (raw === null) return fallback;
    if (!/^-?\d+$/.test(raw.trim())) {
      this.issues.push({ field: name, message: 'Expected `int`, got `str`' });
      return fallback;
    }
    const value = Number.parseInt(raw, 10);
    if (bounds.min !== undefined && value < bounds.min) {
      this.issues.push({ field: name, message: `Expected \`int\` >= ${bounds.min}` });
    } else if (bounds.max !== undefined && value > bounds.max) {
      this.issues.push({ field: name, message: `Expected \`int\` <= ${bounds.max}` });
    }
    return value;
  }

  uuid(name: string): string | undefined {
    const raw = this.query.get(name);
    if (raw === null) return undefined;
    if (!isUuid(raw)) this.issues.push({ field: name, message: 'Invalid UUID' });
    return raw.toLowerCase();
  }

  enumValue<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const raw = this.query.get(name);
    if (raw === null) return undefined;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.issues.push({ field: name, message: `Invalid enum value '${raw}', expected one of ${allowed.join(', ')}` });
      return undefined;
    }
    return raw as T;
  }

  enumList<T extends string>(name: string, allowed: readonly T[]): T[] {
    const values = this.query.getAll(name);
    const bad = values.filter((v) => !(allowed as readonly string[]).includes(v));
    if (bad.length > 0) this.issues.push({ field: name, message: `Invalid enum value '${bad[0]}', expected one of ${allowed.join(', ')}` });
    return values.filter((v): v is T => (allowed as readonly string[]).includes(v));
  }

  bool(name: string): boolean | undefined {
    const raw = this.query.get(name);
    if (raw === null) return undefined;
    const lower = raw.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    this.issues.push({ field: name, message: 'Expected `bool`, got `str`' });
    return undefined;
  }

  page(maxLimit = 100): { limit: number; offset: number } {
    return { limit: this.int('limit', 10, { min: 0, max: maxLimit }), offset: this.int('offset', 0, { min: 0 }) };
  }

  /** Throws the typed 400 when any parameter was invalid. */
  done(): void {
    if (this.issues.length > 0) throw validationError(this.issues);
  }
}

/** The page envelope (§4.2) over already filtered and sorted items. */
export function pageOf<T>(items: T[], page: { limit: number; offset: number }, map: (item: T) => unknown) {
  return {
    items: items.slice(page.offset, page.offset + page.limit).map(map),
    limit: page.limit,
    offset: page.offset,
    total: items.length,
  };
}

/** Trim, then the storage layer's length check (`title: Length of 'ab' 2 < 3`). */
export function checkLength(field: string, value: string, min: number, max?: number): string {
  const trimmed = value.trim();
  if (trimmed.length < min) throw storageError(`${field}: Length of '${trimmed}' ${trimmed.length} < ${min}`);
  if (max !== undefined && trimmed.length > max) {
    throw storageError(`${field}: Length of '${trimmed}' ${trimmed.length} > ${max}`);
  }
  return trimmed;
}

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function checkEmail(field: string, value: string): string {
  const trimmed = checkLength(field, value, 3, 255);
  if (!EMAIL_RE.test(trimmed)) throw storageError(`${field}: '${trimmed}' is not a valid email address`);
  return trimmed;
}

function storageError(detail: string) {
  return badRequest(detail);
}

/** Sort helper: by the given keys in order. */
export function byKeys<T>(...keys: Array<(item: T) => string>): (a: T, b: T) => number {
  return (a, b) => {
    for (const key of keys) {
      const diff = key(a).localeCompare(key(b));
      if (diff !== 0) return diff;
    }
    return 0;
  };
}
