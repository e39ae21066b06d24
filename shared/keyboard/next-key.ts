import { handOf } from '../metrics/fingers.ts';
import type { KeyboardLayout } from '../practice/options.ts';
import { layoutOf } from './layouts.ts';

/** The physical keys to press for one character. */
export interface KeyPress {
  code: string;
  /** The Shift to hold as well, on the other hand (touch-typing convention), or null. */
  shiftCode: string | null;
}

const reverse = new Map<KeyboardLayout, Map<string, KeyPress>>();

/**
 * The key that types `char` in `layout`, or null when no single key does (a character made
 * with a dead key or AltGr). An unshifted position wins over a shifted one.
 */
export function keyFor(char: string, layout: KeyboardLayout): KeyPress | null {
  let map = reverse.get(layout);
  if (!map) reverse.set(layout, (map = buildReverse(layout)));
  return map.get(char) ?? null;
}

function buildReverse(id: KeyboardLayout): Map<string, KeyPress> {
  const map = new Map<string, KeyPress>();
  const { labels } = layoutOf(id);
  for (const [code, label] of labels) if (!map.has(label.base)) map.set(label.base, { code, shiftCode: null });
  for (const [code, label] of labels) {
    if (label.shift && !map.has(label.shift)) {
      map.set(label.shift, { code, shiftCode: handOf(code) === 'left' ? 'ShiftRight' : 'ShiftLeft' });
    }
  }
  return map;
}
