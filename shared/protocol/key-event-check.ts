/**
 * Validation of one decoded key event: the hot path of ingest, so it checks
 * fields in place and builds a string only to describe a failure.
 */
import { asFields, isCount, isIntBetween, isText, keyCount } from './field-checks.ts';
import { KEY_EVENT_FIELDS, type KeyEvent } from './key-event.ts';
import { MAX_CODE_CHARS, MAX_FLAGS, MAX_KEY_CHARS, MAX_TEXT_POS } from './limits.ts';

/** Why `value` is not a valid KeyEvent, or null if it is one. */
export function keyEventProblem(value: unknown): string | null {
  const event = asFields(value);
  if (event === null) return 'must be an object';
  if (event.type !== 0 && event.type !== 1) return 'type must be 0 (keydown) or 1 (keyup)';
  if (!isText(event.code, 1, MAX_CODE_CHARS)) return `code must be a string of 1..${MAX_CODE_CHARS} chars`;
  if (!isText(event.key, 0, MAX_KEY_CHARS)) return `key must be a string of 0..${MAX_KEY_CHARS} chars`;
  // PostgreSQL text cannot hold U+0000; refuse it here rather than fail the COPY later.
  if (event.code.includes('\0') || event.key.includes('\0')) return 'code and key must not contain U+0000';
  if (!isCount(event.offsetUs)) return 'offsetUs must be an integer in 0..2^53-1';
  if (!isIntBetween(event.textPos, -1, MAX_TEXT_POS)) return `textPos must be an integer in -1..${MAX_TEXT_POS}`;
  if (typeof event.isError !== 'boolean') return 'isError must be a boolean';
  if (!isIntBetween(event.flags, 0, MAX_FLAGS)) return `flags must be an integer in 0..${MAX_FLAGS}`;
  if (keyCount(event) !== KEY_EVENT_FIELDS.length) {
    return `must have exactly the fields ${KEY_EVENT_FIELDS.join(', ')}`;
  }
  return null;
}

export function isKeyEvent(value: unknown): value is KeyEvent {
  return keyEventProblem(value) === null;
}
