import type { DigraphFigures, KeyModelEntry } from '../../../shared/metrics/analytics-types.ts';
import { weightedPick } from '../typing/lesson.ts';

/**
 * A practice text of real words from the word list, drawn with weights toward the typist's
 * weak letters and slow letter pairs (never made-up strings such as "ovov lplp").
 *
 * A letter's weakness is how far it is below the target speed (1 - confidence, 0 at target);
 * a pair's slowness is how much slower than the median pair it is typed (0 for faster ones).
 * A word weighs 1 + 3 x (its letters' weakness + its pairs' slowness), squared so the most
 * useful words dominate while easy ones still appear, as in real text.
 */
export function weakDrill(keys: readonly KeyModelEntry[], pairs: readonly DigraphFigures[], words: readonly string[], length = 40, random = Math.random): string {
  const weakness = new Map(keys.filter((k) => k.confidence !== null).map((k) => [k.key, Math.max(0, 1 - k.confidence!)]));
  const timed = pairs.filter((p) => p.transition.meanMs !== null && p.count >= 2);
  const times = timed.map((p) => p.transition.meanMs!).sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] ?? 0;
  const slowness = new Map(timed.map((p) => [p.pair, median > 0 ? Math.max(0, p.transition.meanMs! / median - 1) : 0]));
  const weight = (word: string) => {
    let w = 0;
    for (let i = 0; i < word.length; i++) {
      w += weakness.get(word[i]!) ?? 0;
      if (i > 0) w += slowness.get(word.slice(i - 1, i + 1)) ?? 0;
    }
    return (1 + 3 * w) ** 2;
  };
  const pool = [...new Set(words.map((w) => w.toLowerCase()))].filter((w) => /^[a-z]+$/.test(w));
  if (pool.length === 0) return '';
  const drill: string[] = [];
  while (drill.length < length) {
    const word = weightedPick(pool, weight, random);
    if (word !== drill[drill.length - 1] || pool.length === 1) drill.push(word);
  }
  return drill.join(' ');
}
