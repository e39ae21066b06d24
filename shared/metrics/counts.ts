import type { CountFigures } from './analytics-types.ts';
import type { KeydownFact } from './derive.ts';

/** The counts behind speed and accuracy, over keydowns already limited to a scope. */
export function countFigures(facts: readonly KeydownFact[]): CountFigures {
  const c: CountFigures = {
    keystrokes: 0, characterKeystrokes: 0, correctKeystrokes: 0, errorKeystrokes: 0, correctCharacters: 0,
    uncorrectedErrors: 0, correctedErrors: 0, positionsAttempted: 0, positionsFirstTryCorrect: 0,
    autoRepeats: 0, modifierPresses: 0, backspaces: 0, missingKeyups: 0,
    incorrectCharacters: 0, missedCharacters: 0, extraCharacters: 0,
  };
  for (const f of facts) {
    c.missedCharacters += f.missedBefore;
    if (f.isRepeat) {
      c.autoRepeats++;
      continue;
    }
    if (f.dwellUs === null) c.missingKeyups++;
    if (f.isModifier) c.modifierPresses++;
    if (f.code === 'Backspace') c.backspaces++;
    if (f.inSequence) c.keystrokes++;
    if (!f.isChar) continue;
    c.characterKeystrokes++;
    if (f.isError) c.errorKeystrokes++;
    else c.correctKeystrokes++;
    if (f.isFinal && f.isError && !f.isExtra) c.incorrectCharacters++;
    if (f.isExtra && !f.extraErased) c.extraCharacters++;
    if (f.isFinal && !f.isError) c.correctCharacters++;
    if (f.isFinal && !f.isError && f.firstTryWasError) c.correctedErrors++;
    if (f.isFirstTry) {
      c.positionsAttempted++;
      if (!f.isError) c.positionsFirstTryCorrect++;
    }
  }
  // Every character left wrong: typed wrong, missed, or extra (METRICS.md section 3).
  c.uncorrectedErrors = c.incorrectCharacters + c.missedCharacters + c.extraCharacters;
  return c;
}

/** Adds counts of several scopes (sessions of a range). */
export function addCounts(a: CountFigures, b: CountFigures): CountFigures {
  const out = { ...a };
  for (const k of Object.keys(b) as (keyof CountFigures)[]) out[k] += b[k];
  return out;
}
