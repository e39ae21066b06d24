import type { KeydownFact, SessionBounds } from './derive.ts';
import { isCharacterKeystroke } from './key-classes.ts';
import { KeyFlags } from '../protocol/key-event.ts';

/** What decides whether a session ran to its end: how it was set up. */
export interface SessionSetup {
  mode: string;
  /** Seconds of a timed test (`config.duration`). */
  durationSec: number | null;
  practiceText: string;
}

/**
 * A session ran to its end (METRICS.md section 3, "complete"): a timed test lasted its
 * duration less one second (the last keystrokes of a finished test can come a moment before
 * the time is up); any other test reached the last letter of its text (or the end, where
 * the space after the last word lands). A test stopped with Escape does neither: it is
 * incomplete and is left out of averages, the trend and personal bests unless asked for.
 */
export function sessionComplete(setup: SessionSetup, facts: readonly KeydownFact[], bounds: SessionBounds | null): boolean {
  if (setup.mode === 'timed') {
    return bounds !== null && setup.durationSec !== null && bounds.endUs - bounds.startUs >= (setup.durationSec - 1) * 1_000_000;
  }
  const length = Array.from(setup.practiceText).length;
  let reached = -1;
  for (const f of facts) {
    const typesChar = f.isChar || (f.isRepeat && isCharacterKeystroke({ type: 0, code: f.code, key: f.key, flags: f.flags & ~KeyFlags.REPEAT }));
    if (typesChar && f.textPos >= 0 && f.textPos <= length) reached = Math.max(reached, f.textPos);
  }
  return length > 0 && reached >= length - 1;
}
