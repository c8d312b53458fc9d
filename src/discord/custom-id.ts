/**
 * Versioned, compact `custom_id`s for buttons, select menus and modals.
 *
 *   v1|help.page|3
 *   │  │         └ payload: the schema's fields in declaration order, "|"-separated and escaped
 *   │  └ route name: which component handler receives the interaction
 *   └ route version: bump it when the payload changes; buttons made by an older version then read
 *     as expired instead of being decoded into something they never meant
 *
 * Discord echoes the id back verbatim, so it is untrusted input: every decode goes through the
 * route's zod schema, and anything unknown, malformed or stale is reported, never thrown.
 */
import { z } from 'zod';

/** Discord's limit on the length of a `custom_id`. */
export const CUSTOM_ID_MAX_LENGTH = 100;

const SEPARATOR = '|';
const NAME_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,39}$/;
const HEADER_PATTERN = /^v(\d{1,4})$/;

type ScalarField = z.ZodString | z.ZodNumber | z.ZodBoolean | z.ZodEnum;
/** The field types a compact payload can carry: scalars, optionally optional. */
export type CompactField = ScalarField | z.ZodOptional<ScalarField>;
export type CompactShape = Record<string, CompactField>;

export type CustomIdFailure = 'unknown' | 'malformed' | 'stale';
export type DecodeResult<T> = { ok: true; value: T } | { ok: false; reason: CustomIdFailure };

export interface CustomIdHeader {
  version: number;
  name: string;
  /** The escaped payload fields, in order. */
  fields: string[];
}

export interface CustomIdDefinition<S extends CompactShape> {
  readonly name: string;
  readonly version: number;
  /** Builds the id; throws on a value the schema rejects or an id longer than Discord allows (programming errors). */
  encode(value: z.output<z.ZodObject<S>>): string;
  /** Reads an id back; `stale` when it was made by another version of this route. */
  decode(raw: string): DecodeResult<z.output<z.ZodObject<S>>>;
}

export interface CustomIdOptions {
  /** Version of the payload layout; default 1. */
  version?: number;
}

const escapeField = (value: string) => value.replace(/[%|]/g, (char) => (char === '%' ? '%25' : '%7C'));
const unescapeField = (value: string) => value.replace(/%(25|7C)/g, (_, code: string) => (code === '25' ? '%' : '|'));

/** Splits an id into version, route name and payload fields; `undefined` when it is not one of ours. */
export function parseCustomIdHeader(raw: string): CustomIdHeader | undefined {
  if (raw.length > CUSTOM_ID_MAX_LENGTH) return undefined;
  const [versionPart, name, ...fields] = raw.split(SEPARATOR);
  const version = HEADER_PATTERN.exec(versionPart ?? '')?.[1];
  if (version === undefined || name === undefined || !NAME_PATTERN.test(name)) return undefined;
  return { version: Number(version), name, fields };
}

function unwrap(field: CompactField): { scalar: ScalarField; optional: boolean } {
  return field instanceof z.ZodOptional ? { scalar: field.unwrap(), optional: true } : { scalar: field, optional: false };
}

function encodeField(field: CompactField, value: unknown): string {
  if (value === undefined) return '';
  const { scalar } = unwrap(field);
  if (scalar instanceof z.ZodBoolean) return value ? '1' : '0';
  if (typeof value !== 'string' && typeof value !== 'number') throw new TypeError(`a custom id field holds a string or a number, not ${typeof value}`);
  return escapeField(String(value));
}

function decodeField(field: CompactField, raw: string): unknown {
  const { scalar, optional } = unwrap(field);
  if (raw === '' && optional) return undefined;
  const text = unescapeField(raw);
  if (scalar instanceof z.ZodNumber) return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (scalar instanceof z.ZodBoolean) return text === '1' ? true : text === '0' ? false : text;
  return text;
}

export function defineCustomId<S extends CompactShape>(
  name: string,
  schema: z.ZodObject<S>,
  options: CustomIdOptions = {},
): CustomIdDefinition<S> {
  if (!NAME_PATTERN.test(name)) throw new TypeError(`custom id name "${name}" must match ${NAME_PATTERN}`);
  const version = options.version ?? 1;
  if (!Number.isInteger(version) || version < 1 || version > 9999) throw new TypeError('custom id version must be 1..9999');
  const keys = Object.keys(schema.shape);
  const fieldOf = (key: string) => schema.shape[key]!;

  return {
    name,
    version,
    encode(value) {
      const parsed = schema.parse(value) as Record<string, unknown>;
      const id = [`v${version}`, name, ...keys.map((key) => encodeField(fieldOf(key), parsed[key]))].join(SEPARATOR);
      if (id.length > CUSTOM_ID_MAX_LENGTH) {
        throw new RangeError(`custom id for ${name} is ${id.length} characters; Discord allows ${CUSTOM_ID_MAX_LENGTH}`);
      }
      return id;
    },
    decode(raw) {
      const header = parseCustomIdHeader(raw);
      if (!header) return { ok: false, reason: 'malformed' };
      if (header.name !== name) return { ok: false, reason: 'unknown' };
      if (header.version !== version) return { ok: false, reason: 'stale' };
      if (header.fields.length !== keys.length) return { ok: false, reason: 'malformed' };
      const candidate = Object.fromEntries(keys.map((key, index) => [key, decodeField(fieldOf(key), header.fields[index] ?? '')]));
      const parsed = schema.safeParse(candidate);
      return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: 'malformed' };
    },
  };
}
