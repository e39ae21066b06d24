import type { DigraphClassFigures, DigraphFigures } from './analytics-types.ts';
import type { KeydownFact } from './derive.ts';
import type { PairClass } from './fingers.ts';
import { ratio, timingStats } from './stats.ts';

/**
 * Letter pairs: two consecutive keystrokes of the sequence that both mean a letter (the
 * letter expected at the position, or the one typed where there is no text). A Backspace or
 * a space between them breaks the pair. Each occurrence carries the transition time to its
 * second key, and is an error when that second keystroke was.
 */
export function digraphFigures(facts: readonly KeydownFact[]): DigraphFigures[] {
  const byPair = new Map<string, KeydownFact[]>();
  for (const f of facts) {
    if (f.digraph === null) continue;
    let list = byPair.get(f.digraph);
    if (!list) byPair.set(f.digraph, (list = []));
    list.push(f);
  }
  return [...byPair].map(([pair, list]) => ({ pair, class: mostFrequentClass(list), ...occurrences(list) }));
}

/** The same figures per class: same finger, same hand, cross hand (and unknown keys). */
export function digraphClassFigures(facts: readonly KeydownFact[]): DigraphClassFigures[] {
  const byClass = new Map<PairClass, KeydownFact[]>();
  for (const f of facts) {
    if (f.pairClass === null) continue;
    let list = byClass.get(f.pairClass);
    if (!list) byClass.set(f.pairClass, (list = []));
    list.push(f);
  }
  return [...byClass].map(([cls, list]) => ({ class: cls, ...occurrences(list) }));
}

/**
 * A pair's class is that of most of its occurrences: a wrong key struck now and then is
 * another finger, and must not turn "th" into something else. Ties go to the first name in
 * alphabetical order (PostgreSQL's mode()).
 */
function mostFrequentClass(list: readonly KeydownFact[]): PairClass {
  const counts = new Map<PairClass, number>();
  for (const f of list) counts.set(f.pairClass!, (counts.get(f.pairClass!) ?? 0) + 1);
  let best: PairClass | undefined;
  for (const [cls, n] of counts) if (best === undefined || n > counts.get(best)! || (n === counts.get(best)! && cls < best)) best = cls;
  return best!;
}

function occurrences(list: readonly KeydownFact[]) {
  const errors = list.filter((f) => f.isError).length;
  return { count: list.length, errors, errorRate: ratio(errors, list.length), transition: timingStats(list.map((f) => f.transitionUs!)) };
}
