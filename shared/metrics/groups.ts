import type { FingerFigures, GroupFigures, HandFigures, KeyFigures } from './analytics-types.ts';
import type { KeydownFact } from './derive.ts';
import { FINGERS, type FingerId } from './fingers.ts';
import { ratio, timingStats } from './stats.ts';
import { values } from './summary.ts';

/**
 * Timing and errors per key, per finger and per hand. A keydown belongs to the key struck
 * (its code) and that key's finger: dwell is the key's own hold, flight and transition are
 * the time taken to reach it. Auto-repeats are left out.
 */
export function groupFigures(facts: readonly KeydownFact[]): GroupFigures {
  const presses = facts.filter((f) => !f.isRepeat);
  let characterKeystrokes = 0;
  let errors = 0;
  for (const f of presses) {
    if (!f.isChar) continue;
    characterKeystrokes++;
    if (f.isError) errors++;
  }
  return {
    presses: presses.length, characterKeystrokes, errors, errorRate: ratio(errors, characterKeystrokes),
    dwell: timingStats(values(presses, 'dwellUs')),
    flight: timingStats(values(presses, 'flightUs')),
    transition: timingStats(values(presses, 'transitionUs')),
  };
}

function groupBy<K>(facts: readonly KeydownFact[], keyOf: (f: KeydownFact) => K): Map<K, KeydownFact[]> {
  const groups = new Map<K, KeydownFact[]>();
  for (const f of facts) {
    if (f.isRepeat) continue;
    const k = keyOf(f);
    let list = groups.get(k);
    if (!list) groups.set(k, (list = []));
    list.push(f);
  }
  return groups;
}

export function keyFigures(facts: readonly KeydownFact[]): KeyFigures[] {
  return [...groupBy(facts, (f) => f.code)].map(([code, list]) => ({
    code, finger: Math.min(...list.map((f) => f.finger)), ...groupFigures(list),
  }));
}

export function fingerFigures(facts: readonly KeydownFact[]): FingerFigures[] {
  return [...groupBy(facts, (f) => f.finger)].map(([finger, list]) => ({
    finger, name: FINGERS[finger as FingerId]?.name ?? 'unknown', hand: list[0]!.hand, ...groupFigures(list),
  }));
}

export function handFigures(facts: readonly KeydownFact[]): HandFigures[] {
  return [...groupBy(facts, (f) => f.hand)].map(([hand, list]) => ({ hand, ...groupFigures(list) }));
}
