/**
 * What each character of the practice text shows. "Current" is not a state of the text but
 * of the cursor, so it is a separate bit: the character under the cursor can also carry an
 * error (stop-on-letter keeps the cursor on a mistyped character).
 */
export const CharState = {
  Pending: 0,
  Correct: 1,
  /** Typed wrong at least once, then right. */
  Corrected: 2,
  Error: 3,
  /** Left untyped when space moved on to the next word. */
  Missed: 4,
} as const;
export type CharState = (typeof CharState)[keyof typeof CharState];

export const CURRENT_BIT = 8;

const NAMES = ['pending', 'correct', 'corrected', 'error', 'missed', 'pending', 'pending', 'pending'];

/** Class names per view code (state | CURRENT_BIT), built once so a keystroke only indexes. */
export const CHAR_CLASSES: readonly string[] = Array.from({ length: 16 }, (_, code) => {
  const state = NAMES[code & 7]!;
  return code & CURRENT_BIT ? `c ${state} current` : `c ${state}`;
});
