import type { Hand, PairClass } from './fingers.ts';
import type { TimingStats } from './stats.ts';

/**
 * The shapes the analytics API answers with (METRICS.md documents every field). The SQL
 * path and the TypeScript reference both produce exactly these, which is how they are
 * compared. Durations are milliseconds, speeds per minute, ratios 0..1, consistency 0..100.
 */

export interface CountFigures {
  /** Keydowns in the sequence: not auto-repeats, not modifiers. */
  keystrokes: number;
  characterKeystrokes: number;
  correctKeystrokes: number;
  errorKeystrokes: number;
  /** Characters whose last keystroke was correct (and correct characters typed at no position). */
  correctCharacters: number;
  /** Characters left wrong: incorrectCharacters + missedCharacters + extraCharacters. */
  uncorrectedErrors: number;
  /** Text positions first typed wrong and last typed right. */
  correctedErrors: number;
  positionsAttempted: number;
  positionsFirstTryCorrect: number;
  autoRepeats: number;
  modifierPresses: number;
  backspaces: number;
  /** Keydowns (not auto-repeats) whose keyup never came. */
  missingKeyups: number;
  /** Positions (and keystrokes at no position) whose last character keystroke was an error. */
  incorrectCharacters: number;
  /** Letters a space skipped that were never typed. */
  missedCharacters: number;
  /** Letters typed past a word's end and not erased. */
  extraCharacters: number;
}

export interface SpeedFigures {
  /** Characters per minute: character keystrokes / minutes. */
  cpm: number | null;
  rawWpm: number | null;
  netWpm: number | null;
  productiveWpm: number | null;
}

export interface AccuracyFigures {
  /** Correct character keystrokes / character keystrokes. */
  keystrokeAccuracy: number | null;
  /** Positions whose first keystroke was correct / positions attempted. */
  firstTryAccuracy: number | null;
  /** Characters left wrong / (correct characters + characters left wrong): the uncorrected error rate. */
  uncorrectedErrorRate: number | null;
}

export interface ConsistencyFigures {
  /** Of per-second raw speed over the full seconds. */
  speed: number | null;
  /** Of keydown-to-keydown spacing (transition times). */
  keys: number | null;
}

export interface RolloverFigures {
  /** Keystrokes whose previous keystroke has a keyup (they have a flight time). */
  pairs: number;
  /** Of those, pressed before the previous key was released. */
  rollovers: number;
  ratio: number | null;
  /** Mean of (previous keyup - keydown) over rollovers. */
  meanOverlapMs: number | null;
}

export interface ScopeSummary {
  /** First keydown to last keyup, clipped to the window; summed over sessions in a range. */
  durationMs: number | null;
  counts: CountFigures;
  speed: SpeedFigures;
  accuracy: AccuracyFigures;
  consistency: ConsistencyFigures;
  rollover: RolloverFigures;
  dwell: TimingStats;
  flight: TimingStats;
  transition: TimingStats;
}

/** Timing and errors of a group of keydowns (one key, one finger, one hand). */
export interface GroupFigures {
  /** Keydowns, auto-repeats excluded, modifiers included. */
  presses: number;
  characterKeystrokes: number;
  errors: number;
  /** errors / characterKeystrokes. */
  errorRate: number | null;
  dwell: TimingStats;
  flight: TimingStats;
  transition: TimingStats;
}

export interface KeyFigures extends GroupFigures {
  code: string;
  finger: number;
}

export interface FingerFigures extends GroupFigures {
  finger: number;
  name: string;
  hand: Hand;
}

export interface HandFigures extends GroupFigures {
  hand: Hand;
}

export interface DigraphFigures {
  /** Two lowercase letters. */
  pair: string;
  /** The pairClass of the keys struck, in most occurrences (ties: alphabetical). */
  class: PairClass;
  count: number;
  /** Occurrences whose second keystroke was an error. */
  errors: number;
  errorRate: number | null;
  transition: TimingStats;
}

export interface DigraphClassFigures {
  class: PairClass;
  count: number;
  errors: number;
  errorRate: number | null;
  transition: TimingStats;
}

export interface ConfusionEntry {
  expected: string;
  typed: string;
  count: number;
}

export interface SeriesPoint {
  second: number;
  rawWpm: number;
  productiveWpm: number;
  errors: number;
}

export interface FatigueWindow extends ScopeSummary {
  index: number;
  fromSec: number;
  toSec: number;
}

export interface FigureChange {
  first: number | null;
  last: number | null;
  delta: number | null;
  percent: number | null;
}

export interface FatigueFigures {
  windowSec: number;
  windows: FatigueWindow[];
  /** Least-squares slopes against time, per minute of typing. */
  slopes: { rawWpmPerMin: number | null; productiveWpmPerMin: number | null; dwellMeanMsPerMin: number | null };
  /** Last full window against the first. */
  change: { rawWpm: FigureChange; productiveWpm: FigureChange; dwellMeanMs: FigureChange };
}

/** Everything broken down by key, finger, hand and letter pair. */
export interface Breakdown {
  keys: KeyFigures[];
  fingers: FingerFigures[];
  hands: HandFigures[];
  digraphs: DigraphFigures[];
  digraphClasses: DigraphClassFigures[];
  confusion: ConfusionEntry[];
}

export interface SessionAnalytics extends Breakdown {
  sessionId: string;
  /** The time window asked for, in seconds of the session; null for the whole session. */
  window: { fromSec: number; toSec: number | null } | null;
  summary: ScopeSummary;
  series: SeriesPoint[];
  fatigue: FatigueFigures;
}

export interface RangeAnalytics extends Breakdown {
  from: string | null;
  to: string | null;
  sessions: number;
  summary: ScopeSummary;
}

export interface TrendPoint {
  sessionId: string;
  startedAt: string;
  mode: string;
  summary: ScopeSummary;
  /** Ran to its end (completion.ts); false only when stopped tests were asked for. */
  complete: boolean;
}

/** The best session of a mode and length (seconds of a timed test, words of a words test, null otherwise). */
export interface PersonalBest {
  mode: string;
  length: number | null;
  sessionId: string;
  startedAt: string;
  /** Net speed (productive wpm), what the best is chosen by. */
  wpm: number;
  rawWpm: number | null;
  accuracy: number | null;
}

export interface KeyModelEntry {
  /** A letter a-z. */
  key: string;
  hits: number;
  misses: number;
  /** Sessions in which the letter had a timed hit. */
  sessions: number;
  lastMs: number | null;
  /** Time to type, smoothed across sessions with an EMA. */
  smoothedMs: number | null;
  bestMs: number | null;
  /** targetMs / smoothedMs: 1 or more means the key reached the target. */
  confidence: number | null;
}

export interface KeyModel {
  targetWpm: number;
  targetMs: number;
  alpha: number;
  keys: KeyModelEntry[];
}
