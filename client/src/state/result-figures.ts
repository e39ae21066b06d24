import type { SeriesPoint, SessionAnalytics } from '../../../shared/metrics/analytics-types.ts';
import { Finger, fingerOf } from '../../../shared/metrics/fingers.ts';
import { sessionReport } from '../../../shared/metrics/reports.ts';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import type { KeyboardLayout } from '../../../shared/practice/options.ts';
import { layoutOf } from '../../../shared/keyboard/layouts.ts';

export interface SlowItem {
  label: string;
  meanMs: number;
  count: number;
}

export interface ResultFigures {
  source: 'browser' | 'server';
  wpm: number | null;
  rawWpm: number | null;
  accuracy: number | null;
  consistency: number | null;
  durationSec: number | null;
  series: SeriesPoint[];
  slowKeys: SlowItem[];
  slowPairs: SlowItem[];
  errorKeystrokes: number;
  uncorrectedErrors: number;
  correctedErrors: number;
  /** Characters as Monkeytype shows them: correct / incorrect / extra / missed. */
  characters: { correct: number; incorrect: number; extra: number; missed: number };
  uncorrectedErrorRate: number | null;
  confusion: { expected: string; typed: string; count: number }[];
}

const TOP = 5;

/**
 * The session's analytics computed in the browser from the events it recorded, with the
 * reference implementation the server's SQL is tested against: the figures shown at once,
 * before (or without) the server's.
 */
export function browserAnalytics(localId: string, text: string, events: readonly KeyEvent[]): SessionAnalytics {
  const stored = events.map((e, i) => ({ ...e, batchSeq: 1, batchIdx: i, finger: fingerOf(e.code) }));
  return sessionReport({ sessionId: localId, practiceText: text, events: stored }, { fatigueWindowSec: 30 });
}

export function resultFigures(analytics: SessionAnalytics, source: ResultFigures['source'], layout: KeyboardLayout): ResultFigures {
  const { summary } = analytics;
  const labels = layoutOf(layout).labels;
  const keyLabel = (code: string) => (code === 'Space' ? 'space' : (labels.get(code)?.base ?? code));
  const slowKeys = analytics.keys
    .filter((k) => k.finger !== Finger.UNKNOWN && k.characterKeystrokes > 0 && k.transition.meanMs !== null)
    .sort((a, b) => b.transition.meanMs! - a.transition.meanMs!)
    .slice(0, TOP)
    .map((k) => ({ label: keyLabel(k.code), meanMs: k.transition.meanMs!, count: k.transition.count }));
  const pairs = analytics.digraphs.filter((d) => d.transition.meanMs !== null);
  // Pairs seen twice or more say more than one-offs; one-offs fill in on short texts.
  const repeated = pairs.filter((d) => d.count >= 2);
  const slowPairs = (repeated.length >= TOP ? repeated : pairs)
    .sort((a, b) => b.transition.meanMs! - a.transition.meanMs!)
    .slice(0, TOP)
    .map((d) => ({ label: d.pair, meanMs: d.transition.meanMs!, count: d.count }));
  return {
    source,
    wpm: summary.speed.productiveWpm,
    rawWpm: summary.speed.rawWpm,
    accuracy: summary.accuracy.keystrokeAccuracy,
    consistency: summary.consistency.speed,
    durationSec: summary.durationMs === null ? null : summary.durationMs / 1000,
    series: analytics.series,
    slowKeys,
    slowPairs,
    errorKeystrokes: summary.counts.errorKeystrokes,
    uncorrectedErrors: summary.counts.uncorrectedErrors,
    correctedErrors: summary.counts.correctedErrors,
    characters: {
      correct: summary.counts.correctCharacters, incorrect: summary.counts.incorrectCharacters,
      extra: summary.counts.extraCharacters, missed: summary.counts.missedCharacters,
    },
    uncorrectedErrorRate: summary.accuracy.uncorrectedErrorRate,
    confusion: [...analytics.confusion].sort((a, b) => b.count - a.count).slice(0, TOP),
  };
}
