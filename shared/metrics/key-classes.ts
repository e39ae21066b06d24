import { KeyFlags } from '../protocol/key-event.ts';

/**
 * What a keydown counts as. Every rule here has a twin in server/analytics/sql/derive-sql.ts;
 * METRICS.md states them once for both.
 */

/** Modifier keys: they have a dwell time, but are not keystrokes and never enter the sequence. */
export const MODIFIER_CODES: readonly string[] = [
  'ShiftLeft', 'ShiftRight', 'ControlLeft', 'ControlRight', 'AltLeft', 'AltRight',
  'MetaLeft', 'MetaRight', 'OSLeft', 'OSRight', 'CapsLock', 'Fn', 'FnLock',
];
const MODIFIERS = new Set(MODIFIER_CODES);

export function isModifierCode(code: string): boolean {
  return MODIFIERS.has(code);
}

/** An auto-repeat keydown (the key held down): not a new press. Keyups never repeat. */
export function isAutoRepeat(type: 0 | 1, flags: number): boolean {
  return type === 0 && (flags & KeyFlags.REPEAT) !== 0;
}

/**
 * A keydown that types one character: not a repeat, not a modifier, not inside an IME
 * composition, `key` one code point, and not a shortcut. Ctrl or Meta without Alt is a
 * shortcut (Ctrl+C); Ctrl+Alt is AltGr on many layouts and does type characters.
 */
export function isCharacterKeystroke(event: { type: 0 | 1; code: string; key: string; flags: number }): boolean {
  if (event.type !== 0 || isAutoRepeat(event.type, event.flags) || isModifierCode(event.code)) return false;
  return typesCharacter(event.flags, event.key);
}

/**
 * The part of isCharacterKeystroke that is not about the key: not composing, not a
 * shortcut, one code point. For a caller that already knows the keydown is no repeat and no
 * modifier (the live figures, which classify every event as it arrives).
 */
export function typesCharacter(flags: number, key: string): boolean {
  if ((flags & KeyFlags.COMPOSING) !== 0) return false;
  const shortcut = (flags & (KeyFlags.CTRL | KeyFlags.META)) !== 0 && (flags & KeyFlags.ALT) === 0;
  return !shortcut && isOneCodePoint(key);
}

/** codePointLength(text) === 1, without walking the string: it runs for every keydown. */
function isOneCodePoint(text: string): boolean {
  if (text.length === 1) return true;
  if (text.length !== 2) return false;
  const high = text.charCodeAt(0);
  const low = text.charCodeAt(1);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}

/** Code points, as PostgreSQL's char_length counts them in a UTF-8 database. */
export function codePointLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/**
 * The letter a character is, for digraphs and the per-key model: ASCII a-z after
 * lowercasing ASCII only (PostgreSQL's lower() in the C locale), else null. So 'K' (Kelvin
 * sign) or 'é' are not letters, exactly as in SQL.
 */
export function asciiLetter(char: string | null): string | null {
  if (char === null || char.length !== 1) return null;
  const c = char.charCodeAt(0);
  if (c >= 97 && c <= 122) return char;
  if (c >= 65 && c <= 90) return String.fromCharCode(c + 32);
  return null;
}
