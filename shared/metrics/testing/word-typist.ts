import type { SeededRandom } from '../../seeded-random.ts';

/** One key a word-by-word typist presses, with the position and error flag the client sends for it. */
export interface WordAction {
  key: string;
  textPos: number;
  isError: boolean;
  repeat: boolean;
  ctrl: boolean;
}

/**
 * A typist on the word-aligned client (client/src/typing/typing-engine.ts, default rules):
 * per word a typed version with slips (a letter skipped, doubled, transposed, replaced, an
 * extra letter kept or erased, a word left early), a second press of a doubled letter now and
 * then reported as auto-repeat, then space. Positions follow the client's model: letters at
 * their position in the word, extras at slots from the text's end + 1 (never reused), the
 * space at the word's end, the last word's space at the text's end; the test ends at the
 * last letter of the last word.
 */
export function wordActions(rng: SeededRandom, text: string, slipRate: number): WordAction[] {
  const chars = Array.from(text);
  const out: WordAction[] = [];
  let slot = chars.length + 1;
  const act = (key: string, textPos: number, isError: boolean, repeat = false, ctrl = false) => out.push({ key, textPos, isError, repeat, ctrl });
  let start = 0;
  while (start <= chars.length) {
    let end = start;
    while (end < chars.length && chars[end] !== ' ') end++;
    const last = end === chars.length;
    const word = chars.slice(start, end);
    const typed = slip(rng, word, slipRate);
    let extras: number[] = [];
    let done = false;
    typed.forEach((ch, i) => {
      if (done) return;
      const at = start + i;
      const repeat = i > 0 && typed[i - 1] === ch && rng.next() < 0.5;
      if (at < end) {
        act(ch, at, ch !== chars[at], repeat);
        if (last && at + 1 === end) done = true;
      } else {
        extras.push(slot);
        act(ch, slot++, true, repeat);
      }
    });
    if (done) break;
    if (extras.length > 0 && rng.next() < 0.5) {
      if (rng.next() < 0.5) {
        act('Backspace', extras.pop()!, false);
      } else {
        act('Backspace', extras[0]!, false, false, true); // Ctrl+Backspace clears the word
        extras = [];
        word.forEach((ch, i) => act(ch, start + i, false));
        if (last) break;
      }
    }
    if (typed.length === 0 && word.length > 0) act(' ', -1, false); // space on an empty word does nothing
    act(' ', last ? chars.length : end, false);
    if (last) break;
    start = end + 1;
  }
  return out;
}

function slip(rng: SeededRandom, word: string[], rate: number): string[] {
  const typed = [...word];
  if (rng.next() >= rate || word.length === 0) return typed;
  const i = rng.below(word.length);
  switch (rng.below(6)) {
    case 0: if (word.length > 1) typed.splice(i, 1); break; // a letter skipped
    case 1: typed.splice(i, 0, word[i]!); break; // a letter doubled
    case 2: if (i + 1 < word.length) [typed[i], typed[i + 1]] = [typed[i + 1]!, typed[i]!]; break; // transposed
    case 3: typed[i] = word[i] === 'x' ? 'q' : 'x'; break; // replaced
    case 4: typed.push('s', ...(rng.next() < 0.3 ? ['s'] : [])); break; // extra letters
    default: typed.splice(Math.max(1, i)); break; // the word left early
  }
  return typed;
}
