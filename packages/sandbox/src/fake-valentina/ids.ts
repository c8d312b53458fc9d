/** Identifiers and timestamps in the API's formats. */
import { randomBytes } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}

let lastMs = 0;
let sequence = 0;

/** A UUID version 7: 48-bit millisecond timestamp, then a 12-bit counter, then random bits. */
export function uuidv7(nowMs: number = Date.now()): string {
  if (nowMs === lastMs) {
    sequence = (sequence + 1) & 0xfff;
  } else {
    lastMs = nowMs;
    sequence = randomBytes(2).readUInt16BE(0) & 0x3ff;
  }
  const bytes = randomBytes(16);
  const ms = BigInt(Math.max(0, Math.floor(nowMs)));
  for (let i = 0; i < 6; i += 1) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = 0x70 | (sequence >> 8);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | ((bytes[8] ?? 0) & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** `req_` + 22 URL-safe base64 characters. */
export function requestId(): string {
  return `req_${randomBytes(16).toString('base64url')}`;
}

/** RFC 3339 UTC with a `Z` suffix. */
export function timestamp(nowMs: number): string {
  return new Date(nowMs).toISOString();
}

/** Character-trait rows render their timestamps with `+00:00` instead of `Z`. */
export function offsetTimestamp(value: string): string {
  return value.endsWith('Z') ? `${value.slice(0, -1)}+00:00` : value;
}
