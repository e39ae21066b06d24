import type { DigraphFigures, KeyModelEntry } from '../../../shared/metrics/analytics-types.ts';

/**
 * A practice text rich in the typist's weakest letters and pairs: real words from the word
 * list that contain them, most weak material first, shuffled a little so it does not read
 * as a sorted list. Falls back to pairs glued into pseudo-words when the list lacks them.
 */
export function weakDrill(keys: readonly KeyModelEntry[], pairs: readonly DigraphFigures[], words: readonly string[], length = 40, random = Math.random): string {
  // Weak = below the target speed (confidence < 1); a key already at target is not drilled.
  const weakKeys = [...keys].filter((k) => k.confidence !== null && k.confidence < 1).sort((a, b) => a.confidence! - b.confidence!).slice(0, 5).map((k) => k.key);
  // The slower half of the pairs, at most five: with few pairs typed, "weakest" must not mean all of them.
  const timed = [...pairs].filter((p) => p.transition.meanMs !== null).sort((a, b) => b.transition.meanMs! - a.transition.meanMs!);
  const weakPairs = timed.slice(0, Math.max(1, Math.min(5, Math.floor(timed.length / 2)))).map((p) => p.pair);
  const score = (word: string) => weakPairs.filter((p) => word.includes(p)).length * 2 + weakKeys.filter((k) => word.includes(k)).length;
  const ranked = [...new Set(words.map((w) => w.toLowerCase()))].filter((w) => /^[a-z]+$/.test(w) && score(w) > 0).sort((a, b) => score(b) - score(a));
  const pool = ranked.slice(0, Math.max(15, length / 2));
  const drill: string[] = [];
  for (let i = 0; i < length; i++) {
    if (pool.length > 0 && (i % 4 !== 3 || weakPairs.length === 0)) drill.push(pool[Math.floor(random() * pool.length)]!);
    else if (weakPairs.length > 0) drill.push(weakPairs[i % weakPairs.length]!.repeat(2) + (weakKeys[i % Math.max(1, weakKeys.length)] ?? ''));
    else if (weakKeys.length > 0) drill.push(weakKeys.join(''));
  }
  return drill.join(' ');
}
