import { MAX_TARGET_WPM } from '../../../shared/api/analytics-limits.ts';
import type { KeyModelEntry, TrendPoint } from '../../../shared/metrics/analytics-types.ts';


/** Letters in the order a learner gets them, most frequent in English first (as keybr). */
export const LETTER_ORDER = 'etaoinshrdlcumwfgypbvkjxqz';
export const FIRST_LETTERS = 6;
export const DEFAULT_TARGET_WPM = 35;
export const MIN_TARGET_WPM = 5;
const VOWELS = new Set(['a', 'e', 'i', 'o', 'u', 'y']);

/** A letter is learnt when its smoothed speed reached the target (confidence 1 or more). */
const learnt = (entry: KeyModelEntry | undefined) => entry !== undefined && entry.confidence !== null && entry.confidence >= 1;

/**
 * keybr's rule: the first six letters, then one more each time every letter so far reached the
 * target speed. Worked out from the per-key model, so it needs no state of its own.
 */
export function unlockedLetters(keys: readonly KeyModelEntry[]): string[] {
  const byKey = new Map(keys.map((k) => [k.key, k]));
  let n = FIRST_LETTERS;
  while (n < LETTER_ORDER.length && [...LETTER_ORDER.slice(0, n)].every((l) => learnt(byKey.get(l)))) n++;
  return [...LETTER_ORDER.slice(0, n)];
}

/** The unlocked letter furthest from the target (one never typed first): what the lesson leans on. */
export function focusLetter(keys: readonly KeyModelEntry[], unlocked: readonly string[]): string {
  const byKey = new Map(keys.map((k) => [k.key, k]));
  const confidence = (l: string) => byKey.get(l)?.confidence ?? -1;
  return [...unlocked].sort((a, b) => confidence(a) - confidence(b) || LETTER_ORDER.indexOf(b) - LETTER_ORDER.indexOf(a))[0]!;
}

/**
 * The speed lessons aim at: the typist's choice, else their recent average, else 35 wpm, kept
 * within what the key model is computed for (a recent average over short texts can pass 300).
 */
export function lessonTarget(chosen: number | null, recentAverage: number | null): number {
  return Math.min(MAX_TARGET_WPM, Math.max(MIN_TARGET_WPM, Math.round(chosen ?? recentAverage ?? DEFAULT_TARGET_WPM)));
}

/** The typist's own pace as the default target: the mean net speed of their last ten finished tests. */
export function recentAverageWpm(trend: readonly TrendPoint[]): number | null {
  const recent = trend.filter((p) => p.complete !== false && p.summary.speed.productiveWpm !== null).slice(-10);
  if (recent.length === 0) return null;
  return Math.round(recent.reduce((sum, p) => sum + p.summary.speed.productiveWpm!, 0) / recent.length);
}

/**
 * A lesson of `count` words using only the unlocked letters: real words from the list when
 * it has enough of them (15), else pronounceable pseudo-words (consonant-vowel syllables)
 * as keybr makes them. Words with the focus letter come three times as often.
 */
export function lessonWords(list: readonly string[], unlocked: readonly string[], focus: string, count: number, random: () => number): string[] {
  const allowed = new Set(unlocked);
  const real = [...new Set(list.map((w) => w.toLowerCase()))].filter((w) => w.length > 1 && [...w].every((c) => allowed.has(c)));
  const pick = real.length >= 15 ? () => weightedPick(real, (w) => (w.includes(focus) ? 3 : 1), random) : () => pseudoWord(unlocked, focus, random);
  const out: string[] = [];
  while (out.length < count) {
    const word = pick();
    if (word !== out[out.length - 1]) out.push(word);
  }
  return out;
}

function pseudoWord(unlocked: readonly string[], focus: string, random: () => number): string {
  const vowels = unlocked.filter((l) => VOWELS.has(l));
  const consonants = unlocked.filter((l) => !VOWELS.has(l));
  const from = (letters: readonly string[]) => letters[Math.floor(random() * letters.length)]!;
  const length = 3 + Math.floor(random() * 5);
  let word = '';
  let vowelNext = random() < 0.4;
  while (word.length < length) {
    const pool = vowelNext && vowels.length > 0 ? vowels : consonants.length > 0 ? consonants : vowels;
    word += from(pool);
    vowelNext = !vowelNext;
  }
  // Half the words carry the focus letter, at a random place.
  if (!word.includes(focus) && random() < 0.5) {
    const at = Math.floor(random() * word.length);
    word = word.slice(0, at) + focus + word.slice(at + 1);
  }
  return word;
}

export function weightedPick<T>(items: readonly T[], weight: (item: T) => number, random: () => number): T {
  const total = items.reduce((sum, item) => sum + weight(item), 0);
  let r = random() * total;
  for (const item of items) {
    r -= weight(item);
    if (r < 0) return item;
  }
  return items[items.length - 1]!;
}
