import type { RolloverFigures } from './analytics-types.ts';
import type { KeydownFact } from './derive.ts';

/**
 * Rollover: a key pressed before the previous one is released, i.e. a negative flight
 * time. Only keystrokes with a flight time count, as the previous keyup must be known.
 */
export function rolloverFigures(facts: readonly KeydownFact[]): RolloverFigures {
  let pairs = 0;
  let rollovers = 0;
  let overlapUs = 0;
  for (const f of facts) {
    if (f.flightUs === null) continue;
    pairs++;
    if (f.flightUs < 0) {
      rollovers++;
      overlapUs -= f.flightUs;
    }
  }
  return {
    pairs,
    rollovers,
    ratio: pairs === 0 ? null : rollovers / pairs,
    meanOverlapMs: rollovers === 0 ? null : overlapUs / rollovers / 1000,
  };
}
