import type { ScopeSummary } from './analytics-types.ts';
import { consistencyOf } from './consistency.ts';
import { countFigures } from './counts.ts';
import type { KeydownFact } from './derive.ts';
import { rolloverFigures } from './rollover.ts';
import { accuracyFigures, speedFigures } from './speed.ts';
import { timingStats } from './stats.ts';

/**
 * The headline figures of a scope (a session, a window of it, a fatigue window, or all the
 * sessions of a range), from its keydowns, its duration and the character counts of its
 * full seconds.
 */
export function scopeSummary(facts: readonly KeydownFact[], durationUs: number | null, fullSecondCounts: readonly number[]): ScopeSummary {
  const counts = countFigures(facts);
  const timed = facts.filter((f) => !f.isRepeat);
  const transitions = values(timed, 'transitionUs');
  return {
    durationMs: durationUs === null ? null : durationUs / 1000,
    counts,
    speed: speedFigures(counts, durationUs),
    accuracy: accuracyFigures(counts),
    consistency: { speed: consistencyOf(fullSecondCounts), keys: consistencyOf(transitions) },
    rollover: rolloverFigures(timed),
    dwell: timingStats(values(timed, 'dwellUs')),
    flight: timingStats(values(timed, 'flightUs')),
    transition: timingStats(transitions),
  };
}

export function values(facts: readonly KeydownFact[], field: 'dwellUs' | 'flightUs' | 'transitionUs'): number[] {
  const out: number[] = [];
  for (const f of facts) {
    const v = f[field];
    if (v !== null) out.push(v);
  }
  return out;
}
