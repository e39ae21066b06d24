import type { KeyModel, KeyModelEntry } from './analytics-types.ts';
import type { KeydownFact } from './derive.ts';
import { CHARS_PER_WORD } from './speed.ts';

/** keybr's smoothing factor: each session moves the estimate a tenth of the way. */
export const KEY_MODEL_ALPHA = 0.1;
export const DEFAULT_TARGET_WPM = 35;

/** One session's evidence about one letter. */
export interface LetterSample {
  hits: number;
  misses: number;
  /** Transition times of the hits that have one (the first keystroke has none). */
  timeSumUs: number;
  timeCount: number;
}

/**
 * Per letter of a session: a hit is a correct character keystroke meaning that letter, a
 * miss an erroneous one where that letter was expected. Time to type a letter is the
 * transition time of its hits.
 */
export function sessionLetterSamples(facts: readonly KeydownFact[]): Map<string, LetterSample> {
  const out = new Map<string, LetterSample>();
  for (const f of facts) {
    if (!f.isChar || f.letter === null) continue;
    let s = out.get(f.letter);
    if (!s) out.set(f.letter, (s = { hits: 0, misses: 0, timeSumUs: 0, timeCount: 0 }));
    if (f.isError) {
      s.misses++;
      continue;
    }
    s.hits++;
    if (f.transitionUs !== null) {
      s.timeSumUs += f.transitionUs;
      s.timeCount++;
    }
  }
  return out;
}

/**
 * keybr's per-key model over a user's sessions, oldest first. Each session with timed hits
 * gives the letter a time (the mean of its transitions, ms); the smoothed time is an EMA of
 * those, started at the first: s1 = x1, sn = a*xn + (1-a)*s(n-1). Confidence is the target
 * time (60000 / (5 * target wpm)) over the smoothed time: 1 means the key is at the target.
 */
export function keyModel(sessions: ReadonlyArray<ReadonlyMap<string, LetterSample>>, targetWpm = DEFAULT_TARGET_WPM, alpha = KEY_MODEL_ALPHA): KeyModel {
  const targetMs = 60_000 / (targetWpm * CHARS_PER_WORD);
  const entries = new Map<string, KeyModelEntry>();
  for (const session of sessions) {
    for (const [key, s] of session) {
      let e = entries.get(key);
      if (!e) entries.set(key, (e = { key, hits: 0, misses: 0, sessions: 0, lastMs: null, smoothedMs: null, bestMs: null, confidence: null }));
      e.hits += s.hits;
      e.misses += s.misses;
      if (s.timeCount === 0) continue;
      const ms = s.timeSumUs / s.timeCount / 1000;
      e.sessions++;
      e.lastMs = ms;
      e.smoothedMs = e.smoothedMs === null ? ms : alpha * ms + (1 - alpha) * e.smoothedMs;
      e.bestMs = e.bestMs === null ? ms : Math.min(e.bestMs, ms);
    }
  }
  const keys = [...entries.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
  for (const e of keys) e.confidence = e.smoothedMs === null || e.smoothedMs === 0 ? null : targetMs / e.smoothedMs;
  return { targetWpm, targetMs, alpha, keys };
}
