import type { SeriesPoint } from './analytics-types.ts';
import type { KeydownFact } from './derive.ts';

const US_PER_SECOND = 1_000_000;
/** Keystrokes in one second, times 60 / 5: that second's speed in wpm. */
const WPM_PER_CHAR_SECOND = 12;

export interface SecondBuckets {
  series: SeriesPoint[];
  /** Character keystrokes in each second lying wholly inside [start, end]: the input of consistency. */
  fullSecondCounts: number[];
}

/**
 * The per-second series. Seconds are those of the session clock (second s = offsets in
 * [s, s+1) s), from the one holding `startUs` to the one holding `endUs`; the last second
 * is closed, so a keydown at exactly `endUs` lands in it. Partial seconds at either end are
 * shown unscaled but left out of consistency, where they would read as slow seconds.
 */
export function secondBuckets(facts: readonly KeydownFact[], startUs: number, endUs: number): SecondBuckets {
  if (endUs <= startUs) return { series: [], fullSecondCounts: [] };
  const first = Math.floor(startUs / US_PER_SECOND);
  const last = Math.ceil(endUs / US_PER_SECOND) - 1;
  const chars = new Array<number>(last - first + 1).fill(0);
  const correct = [...chars];
  const errors = [...chars];
  for (const f of facts) {
    if (!f.isChar) continue;
    const i = Math.min(Math.floor(f.offsetUs / US_PER_SECOND), last) - first;
    chars[i]!++;
    if (f.isError) errors[i]!++;
    if (f.isFinal && !f.isError) correct[i]!++;
  }
  const series: SeriesPoint[] = [];
  const fullSecondCounts: number[] = [];
  for (let s = first; s <= last; s++) {
    const i = s - first;
    series.push({ second: s, rawWpm: chars[i]! * WPM_PER_CHAR_SECOND, productiveWpm: correct[i]! * WPM_PER_CHAR_SECOND, errors: errors[i]! });
    if (s * US_PER_SECOND >= startUs && (s + 1) * US_PER_SECOND <= endUs) fullSecondCounts.push(chars[i]!);
  }
  return { series, fullSecondCounts };
}
