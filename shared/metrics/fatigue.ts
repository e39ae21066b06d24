import type { FatigueFigures, FatigueWindow, FigureChange } from './analytics-types.ts';
import type { KeydownFact } from './derive.ts';
import { secondBuckets } from './series.ts';
import { slope } from './stats.ts';
import { scopeSummary } from './summary.ts';

const US_PER_SECOND = 1_000_000;

/**
 * Most fatigue windows in one answer (issue 15): a 6-hour session asked for 1-second windows
 * made 21,600 windows and a 19 MB answer. Past this count the windows widen to
 * ceil(span / MAX_FATIGUE_WINDOWS) seconds, and `windowSec` in the answer says so.
 */
export const MAX_FATIGUE_WINDOWS = 720;

/** The window width used for a scope of [startUs, endUs): the one asked for, or wider. */
export function effectiveWindowSec(requestedSec: number, startUs: number, endUs: number): number {
  if (endUs <= startUs) return requestedSec;
  return Math.max(requestedSec, Math.ceil((endUs - startUs) / (MAX_FATIGUE_WINDOWS * US_PER_SECOND)));
}

/**
 * Fatigue: the scope cut into consecutive full windows of `windowSec` (effectiveWindowSec) from its start (the
 * remainder shorter than a window is left out: a 3-second tail would swing every trend),
 * each window summarised like any scope, then the least-squares slope of speed and dwell
 * against time in minutes, and the last window against the first.
 */
export function fatigueFigures(facts: readonly KeydownFact[], startUs: number, endUs: number, requestedSec: number): FatigueFigures {
  const windowSec = effectiveWindowSec(requestedSec, startUs, endUs);
  const widthUs = windowSec * US_PER_SECOND;
  const count = endUs > startUs ? Math.floor((endUs - startUs) / widthUs) : 0;
  const windows: FatigueWindow[] = [];
  for (let index = 0; index < count; index++) {
    const lo = startUs + index * widthUs;
    const hi = lo + widthUs;
    const inside = facts.filter((f) => f.offsetUs >= lo && f.offsetUs < hi);
    const summary = scopeSummary(inside, widthUs, secondBuckets(inside, lo, hi).fullSecondCounts);
    windows.push({ index, fromSec: lo / US_PER_SECOND, toSec: hi / US_PER_SECOND, ...summary });
  }
  const trend = (pick: (w: FatigueWindow) => number | null) =>
    slope(windows.flatMap((w) => {
      const y = pick(w);
      return y === null ? [] : [[(w.index * windowSec) / 60, y] as const];
    }));
  const rawWpm = (w: FatigueWindow) => w.speed.rawWpm;
  const productiveWpm = (w: FatigueWindow) => w.speed.productiveWpm;
  const dwellMeanMs = (w: FatigueWindow) => w.dwell.meanMs;
  return {
    windowSec,
    windows,
    slopes: { rawWpmPerMin: trend(rawWpm), productiveWpmPerMin: trend(productiveWpm), dwellMeanMsPerMin: trend(dwellMeanMs) },
    change: { rawWpm: change(windows, rawWpm), productiveWpm: change(windows, productiveWpm), dwellMeanMs: change(windows, dwellMeanMs) },
  };
}

/** Last window against the first; needs two windows. */
export function change(windows: readonly FatigueWindow[], pick: (w: FatigueWindow) => number | null): FigureChange {
  const first = windows.length >= 2 ? pick(windows[0]!) : null;
  const last = windows.length >= 2 ? pick(windows[windows.length - 1]!) : null;
  const delta = first === null || last === null ? null : last - first;
  return { first, last, delta, percent: delta === null || first === 0 ? null : (delta / first!) * 100 };
}
