/**
 * One physical key transition as captured in the browser. Batches carry these
 * in capture order; the server stores each exactly once.
 */

export const KeyEventType = {
  Down: 0,
  Up: 1,
} as const;
export type KeyEventType = (typeof KeyEventType)[keyof typeof KeyEventType];

/** Bits of `KeyEvent.flags`, sampled from the DOM event at capture time. */
export const KeyFlags = {
  /** `KeyboardEvent.repeat`: auto-repeat, not a new press. */
  REPEAT: 1,
  SHIFT: 2,
  CTRL: 4,
  ALT: 8,
  META: 16,
  CAPS_LOCK: 32,
  /** `KeyboardEvent.isComposing`: inside an IME composition. */
  COMPOSING: 64,
} as const;
export type KeyFlag = (typeof KeyFlags)[keyof typeof KeyFlags];

export interface KeyEvent {
  type: KeyEventType;
  /** `KeyboardEvent.code` (physical key), 1..32 chars, e.g. "KeyA", "ShiftLeft". */
  code: string;
  /** `KeyboardEvent.key` (produced character or key name), 0..32 chars. */
  key: string;
  /** Microseconds since the session's first keydown; integer, 0..2^53-1. */
  offsetUs: number;
  /** Index into the practice text, or -1 when the key does not address it. */
  textPos: number;
  /** The key did not match the expected character. */
  isError: boolean;
  /** Bitmask of `KeyFlags`, 0..255. */
  flags: number;
}

/** Wire order of KeyEvent fields; the encoder writes exactly these. */
export const KEY_EVENT_FIELDS = [
  'type',
  'code',
  'key',
  'offsetUs',
  'textPos',
  'isError',
  'flags',
] as const satisfies readonly (keyof KeyEvent)[];
