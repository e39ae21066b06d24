import type { SeriesPoint } from '../../../shared/metrics/analytics-types.ts';

/** One second of the results chart. */
export interface ChartPoint {
  /** 1-based: the first second of the test is "1 s". */
  second: number;
  /** Speed typed in this second (character keystrokes), wpm. */
  raw: number;
  /** Net speed so far: correct characters from the start to the end of this second, wpm. */
  net: number;
  errors: number;
}

/** A last second shorter than this is not stretched further (a few keys in 0.1 s would read as 300 wpm). */
const MIN_LAST_FRACTION = 0.5;

/**
 * The per-second series (METRICS.md section 5) as a typist reads it, Monkeytype-style: raw
 * speed per second, and the net speed as the running average a finished test ends on.
 *
 * Two corrections for display only, so the chart ends where the typing ended: seconds after
 * the last keystroke (the last key's release can fall into a new second) are dropped rather
 * than drawn as a fall to 0, and a last second the test only partly filled is scaled by the
 * part it lasted, as every other second is a full second.
 */
export function chartSeries(series: readonly SeriesPoint[], durationSec: number | null): ChartPoint[] {
  let end = series.length;
  while (end > 0 && series[end - 1]!.rawWpm === 0 && series[end - 1]!.errors === 0) end--;
  const kept = series.slice(0, end);
  const first = kept[0]?.second ?? 0;
  const out: ChartPoint[] = [];
  let correctSoFar = 0;
  kept.forEach((p, i) => {
    const last = i === kept.length - 1;
    const lastLength = durationSec === null ? 1 : durationSec - (p.second - first);
    const length = last && lastLength < 1 ? Math.max(MIN_LAST_FRACTION, lastLength) : 1;
    correctSoFar += p.productiveWpm / 12;
    const elapsed = i + length;
    out.push({ second: i + 1, raw: p.rawWpm / length, net: (correctSoFar * 12) / elapsed, errors: p.errors });
  });
  return out;
}
