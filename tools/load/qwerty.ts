import { keyFor } from '../../shared/keyboard/next-key.ts';

// A character's physical key (KeyboardEvent.code) and Shift come from the client's own US
// QWERTY table (shared/keyboard/layouts.ts), so the load typist presses what a browser would
// report; a newline is the Enter key, which types no character in that table.
export function codeOf(char: string): string | undefined {
  if (char === '\n') return 'Enter';
  return keyFor(char, 'qwerty-us')?.code;
}

export function needsShift(char: string): boolean {
  const press = keyFor(char, 'qwerty-us');
  return press !== null && press.shiftCode !== null;
}

// Keys around each letter: the wrong key a typist actually hits.
const ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
export function neighbourOf(char: string, pick: (items: string[]) => string): string {
  const lower = char.toLowerCase();
  for (let r = 0; r < ROWS.length; r++) {
    const c = ROWS[r]!.indexOf(lower);
    if (c < 0) continue;
    const around = [ROWS[r]![c - 1], ROWS[r]![c + 1], ROWS[r - 1]?.[c], ROWS[r + 1]?.[c]].filter((x): x is string => Boolean(x));
    return pick(around);
  }
  return pick(['e', 'a', 'o']);
}
