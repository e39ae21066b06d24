/**
 * What each character of the practice text shows. "Current" is not a state of the text but
 * of the cursor, so it is a separate bit: the character under the cursor can also carry an
 * error (stop-on-error mode keeps the cursor on a mistyped character).
 */
export const CharState = {
  Pending: 0,
  Correct: 1,
  /** Typed wrong at least once, then right. */
  Corrected: 2,
  Error: 3,
} as const;
export type CharState = (typeof CharState)[keyof typeof CharState];

export const CURRENT_BIT = 4;

/** Class names per view code (state | CURRENT_BIT), built once so a keystroke only indexes. */
export const CHAR_CLASSES: readonly string[] = Array.from({ length: 8 }, (_, code) => {
  const state = ['pending', 'correct', 'corrected', 'error'][code & 3]!;
  return code & CURRENT_BIT ? `c ${state} current` : `c ${state}`;
});
