/**
 * Predicates for decoded field values. Hand-written rather than a schema
 * library: the server runs them ~200k times a second on key events.
 */
import { MAX_SEQ } from './limits.ts';

/** A decoded msgpack map or record, before its fields are checked. */
export type Fields = Record<string, unknown>;

/**
 * A plain object, or null. The prototype check matters for Socket.IO, whose
 * msgpack parser honours a `__proto__` key: fields must be own, not inherited.
 */
export function asFields(value: unknown): Fields | null {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype
    ? (value as Fields)
    : null;
}

/** Own and inherited enumerable keys; with the expected fields present, equality means no extras. */
export function keyCount(fields: Fields): number {
  let count = 0;
  for (const _key in fields) count++;
  return count;
}

/** Integer in [min, max]; rejects NaN, fractions, infinities and non-numbers. */
export function isIntBetween(value: unknown, min: number, max: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
}

/** Safe integer >= 0: counts, offsets, durations. */
export function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** A batch seq or 0 ("none"). */
export function isSeq(value: unknown): value is number {
  return isIntBetween(value, 0, MAX_SEQ);
}

export function isFiniteBetween(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && value >= min && value <= max;
}

export function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** String of minChars..maxChars UTF-16 code units. */
export function isText(value: unknown, minChars: number, maxChars: number): value is string {
  return typeof value === 'string' && value.length >= minChars && value.length <= maxChars;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Lowercase canonical UUID only: session ids are compared as strings, so
 * "ABC…" and "abc…" must not become two sessions.
 */
export function isSessionId(value: unknown): value is string {
  return typeof value === 'string' && value.length === 36 && UUID.test(value);
}
