import { MAX_CODE_CHARS, MAX_KEY_CHARS } from '../../../shared/protocol/limits.ts';

/**
 * One key transition as captured, before the practice logic knows what it meant. Plain data:
 * no DOM event is kept past its handler.
 */
export interface CapturedKey {
  /** 0 keydown, 1 keyup (the protocol's KeyEventType). */
  type: 0 | 1;
  /** `KeyboardEvent.code`, "Unidentified" when the browser gives "". */
  code: string;
  /** `KeyboardEvent.key`, cut to the protocol's limit. */
  key: string;
  /** When the key moved, on the performance.now() clock, in milliseconds. */
  atMs: number;
  /** KeyFlags bitmask. */
  flags: number;
}

export function normaliseCode(code: string): string {
  return code === '' ? 'Unidentified' : code.slice(0, MAX_CODE_CHARS);
}

export function normaliseKey(key: string): string {
  return key.length > MAX_KEY_CHARS ? key.slice(0, MAX_KEY_CHARS) : key;
}
