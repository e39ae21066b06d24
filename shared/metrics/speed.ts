import type { AccuracyFigures, CountFigures, SpeedFigures } from './analytics-types.ts';
import { ratio } from './stats.ts';

/** A "word" is five characters, the convention of every typing test. */
export const CHARS_PER_WORD = 5;
const US_PER_MINUTE = 60_000_000;

/**
 * Speeds over a duration. With fewer than two keystrokes, or no time between first and
 * last, there is no rate to speak of: every speed is null (a single key is not 120 wpm).
 * Net wpm is raw wpm less one word per uncorrected error per minute, never below zero.
 */
export function speedFigures(counts: CountFigures, durationUs: number | null): SpeedFigures {
  if (durationUs === null || durationUs <= 0 || counts.keystrokes < 2) return { cpm: null, rawWpm: null, netWpm: null, productiveWpm: null };
  const minutes = durationUs / US_PER_MINUTE;
  const rawWpm = counts.characterKeystrokes / CHARS_PER_WORD / minutes;
  return {
    cpm: counts.characterKeystrokes / minutes,
    rawWpm,
    netWpm: Math.max(0, rawWpm - counts.uncorrectedErrors / minutes),
    productiveWpm: counts.correctCharacters / CHARS_PER_WORD / minutes,
  };
}

/** The accuracies and the error rate, each named for what it divides. */
export function accuracyFigures(counts: CountFigures): AccuracyFigures {
  return {
    keystrokeAccuracy: ratio(counts.correctKeystrokes, counts.characterKeystrokes),
    firstTryAccuracy: ratio(counts.positionsFirstTryCorrect, counts.positionsAttempted),
    uncorrectedErrorRate: ratio(counts.uncorrectedErrors, counts.correctCharacters + counts.uncorrectedErrors),
  };
}
