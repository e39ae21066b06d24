import type { SeriesPoint } from './analytics-types.ts';
import type { KeydownFact } from './derive.ts';

const US_PER_SECOND = 1_000_000;
/** Keystrokes in one second, times 60 / 5: that second's speed in wpm. */
const WPM_PER_CHAR_SECOND = 12;

/**
 * Most points in a series (issue 15): 6 hours of seconds, the longest session the protocol
 * accepts, so a session streamed today always gets one point a second. A longer scope (data
 * stored before that limit) gets buckets of k = ceil(seconds / MAX_SERIES_POINTS) seconds:
 * one such session once made the database build a million rows per request.
 */
export const MAX_SERIES_POINTS = 21_600;

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
 * Past MAX_SERIES_POINTS seconds a point covers k seconds (its `second` is the first), its
 * speeds are per second, and consistency is over the full k-second points.
 */
export function secondBuckets(facts: readonly KeydownFact[], startUs: number, endUs: number): SecondBuckets {
  if (endUs <= startUs) return { series: [], fullSecondCounts: [] };
  const first = Math.floor(startUs / US_PER_SECOND);
  const last = Math.ceil(endUs / US_PER_SECOND) - 1;
  const k = Math.max(1, Math.ceil((last - first + 1) / MAX_SERIES_POINTS)); // seconds per point
  const chars = new Array<number>(Math.floor((last - first) / k) + 1).fill(0);
  const correct = [...chars];
  const errors = [...chars];
  for (const f of facts) {
    if (!f.isChar) continue;
    const i = Math.floor((Math.min(Math.floor(f.offsetUs / US_PER_SECOND), last) - first) / k);
    chars[i]!++;
    if (f.isError) errors[i]!++;
    if (f.isFinal && !f.isError) correct[i]!++;
  }
  const series: SeriesPoint[] = [];
  const fullSecondCounts: number[] = [];
  for (let i = 0; i < chars.length; i++) {
    const s = first + i * k;
    series.push({ second: s, rawWpm: (chars[i]! * WPM_PER_CHAR_SECOND) / k, productiveWpm: (correct[i]! * WPM_PER_CHAR_SECOND) / k, errors: errors[i]! });
    if (s * US_PER_SECOND >= startUs && (s + k) * US_PER_SECOND <= endUs) fullSecondCounts.push(chars[i]!);
  }
  return { series, fullSecondCounts };
}
