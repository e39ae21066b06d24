import { sessionComplete } from './completion.ts';
import type { Breakdown, FatigueFigures, RangeAnalytics, SessionAnalytics, TrendPoint } from './analytics-types.ts';
import { confusionTable } from './confusion.ts';
import { deriveKeydowns, sessionBounds, type KeydownFact } from './derive.ts';
import { digraphClassFigures, digraphFigures } from './digraphs.ts';
import { fatigueFigures } from './fatigue.ts';
import { fingerFigures, handFigures, keyFigures } from './groups.ts';
import type { StoredKeystroke } from './keystroke.ts';
import { secondBuckets } from './series.ts';
import { scopeSummary } from './summary.ts';

/**
 * The reference reports: what the API must answer, computed in plain TypeScript from the
 * stored events. The server computes the same in SQL; the property tests compare the two.
 */

export interface SessionInput {
  sessionId: string;
  practiceText: string;
  events: readonly StoredKeystroke[];
}

export interface WindowOptions {
  /** Window start in microseconds of the session clock (inclusive). */
  fromUs?: number;
  /** Window end (exclusive). */
  toUs?: number;
  fatigueWindowSec: number;
}

export function breakdown(facts: readonly KeydownFact[]): Breakdown {
  return {
    keys: keyFigures(facts), fingers: fingerFigures(facts), hands: handFigures(facts),
    digraphs: digraphFigures(facts), digraphClasses: digraphClassFigures(facts), confusion: confusionTable(facts),
  };
}

/**
 * A session, or a window of it. Keydowns in [from, to) count; their dwell, flight and
 * transition are those of the whole session (a key pressed just before the window still
 * gives the first keystroke inside it a flight). Duration runs from the later of window
 * start and first keydown to the earlier of window end and last keyup.
 */
export function sessionReport(input: SessionInput, options: WindowOptions): SessionAnalytics {
  const facts = deriveKeydowns(input.events, input.practiceText);
  const bounds = sessionBounds(facts);
  const lo = options.fromUs ?? -Infinity;
  const hi = options.toUs ?? Infinity;
  const inside = facts.filter((f) => f.offsetUs >= lo && f.offsetUs < hi);
  const startUs = bounds ? Math.max(lo, bounds.startUs) : 0;
  const endUs = bounds ? Math.min(hi, bounds.endUs) : 0;
  const buckets = secondBuckets(inside, startUs, endUs);
  const windowed = options.fromUs !== undefined || options.toUs !== undefined;
  return {
    sessionId: input.sessionId,
    window: windowed ? { fromSec: (options.fromUs ?? 0) / 1e6, toSec: options.toUs === undefined ? null : options.toUs / 1e6 } : null,
    summary: scopeSummary(inside, bounds ? Math.max(0, endUs - startUs) : null, buckets.fullSecondCounts),
    ...breakdown(inside),
    series: buckets.series,
    fatigue: bounds ? fatigueFigures(inside, startUs, endUs, options.fatigueWindowSec) : emptyFatigue(options.fatigueWindowSec),
  };
}

/** Many sessions pooled: counts and durations add up, timing statistics cover every keydown. */
export function rangeReport(sessions: readonly SessionInput[], from: string | null, to: string | null): RangeAnalytics {
  const all: KeydownFact[] = [];
  const fullSeconds: number[] = [];
  let durationUs: number | null = null;
  for (const s of sessions) {
    const facts = deriveKeydowns(s.events, s.practiceText);
    const bounds = sessionBounds(facts);
    for (const f of facts) all.push(f);
    if (!bounds) continue;
    durationUs = (durationUs ?? 0) + (bounds.endUs - bounds.startUs);
    fullSeconds.push(...secondBuckets(facts, bounds.startUs, bounds.endUs).fullSecondCounts);
  }
  return { from, to, sessions: sessions.length, summary: scopeSummary(all, durationUs, fullSeconds), ...breakdown(all) };
}

export function trendPoint(input: SessionInput, startedAt: string, mode: string, durationSec: number | null = null): TrendPoint {
  const facts = deriveKeydowns(input.events, input.practiceText);
  const complete = sessionComplete({ mode, durationSec, practiceText: input.practiceText }, facts, sessionBounds(facts));
  return { sessionId: input.sessionId, startedAt, mode, summary: sessionReport(input, { fatigueWindowSec: 60 }).summary, complete };
}

function emptyFatigue(windowSec: number): FatigueFigures {
  const none = { first: null, last: null, delta: null, percent: null };
  return { windowSec, windows: [], slopes: { rawWpmPerMin: null, productiveWpmPerMin: null, dwellMeanMsPerMin: null }, change: { rawWpm: none, productiveWpm: none, dwellMeanMs: none } };
}
