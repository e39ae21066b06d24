import { isCharacterKeystroke } from '../../../shared/metrics/key-classes.ts';
import { KeyFlags } from '../../../shared/protocol/key-event.ts';
import { CharState } from './char-state.ts';
import { DEFAULT_RULES, MAX_EXTRA_LETTERS, type TypingRules } from './typing-rules.ts';
import { wordSpans, type WordSpan } from './word-layout.ts';

/** A keydown as the engine needs it. */
export interface EngineKey {
  code: string;
  key: string;
  flags: number;
}

export interface KeyOutcome {
  /** The text position the key addressed (typed or erased), -1 when none; see below for extra letters. */
  textPos: number;
  /** The key typed a character other than the one expected. */
  isError: boolean;
  /** Positions whose state changed, to repaint (an extra letter repaints its word's last letter). */
  changed: number[];
}

const NOTHING: KeyOutcome = Object.freeze({ textPos: -1, isError: false, changed: [] });

interface ExtraLetter {
  char: string;
  /** Its own position past the text's end, never reused (METRICS.md "extra characters"). */
  slot: number;
}

/**
 * The practice text and the cursor, word by word as Monkeytype judges input, with no DOM and
 * no clock: a keydown goes in; the position it addressed, whether it was an error and which
 * characters changed come out.
 *
 * A letter is compared with the next letter of the current word. Letters typed past the
 * word's end are "extra": shown after the word, errors, each sent at a position of its own
 * past the text's end (text length + 1 + a counter), so the analytics can tell an extra letter
 * that was erased from one that stayed. Space commits the word and moves to the next one:
 * the letters not typed are "missed" (no keystroke ever addresses them; the analytics find
 * the gap). So an error never runs past its word. Backspace erases within the word, and goes
 * back into the previous word only as `backspaceInto` allows. Ctrl/Alt+Backspace clears the
 * word. The test ends when the last letter of the last word is typed (or on a space in the
 * last word). Auto-repeated characters are typed, as a text field would type them (the
 * analytics count no speed for them, but their positions are not missed).
 */
export class TypingEngine {
  readonly chars: readonly string[];
  readonly states: Uint8Array;
  /** Positions typed wrong at least once: a later right keystroke there is a correction. */
  private readonly everWrong: Uint8Array;
  private readonly words: WordSpan[];
  private readonly typed: Int32Array;
  private readonly extras: ExtraLetter[][];
  private readonly rules: TypingRules;
  /** Word index by the position of its last letter, where its extra letters are shown. */
  private readonly wordByLastLetter = new Map<number, number>();
  private word = 0;
  private nextSlot: number;
  private done = false;

  constructor(text: string, rules: TypingRules = DEFAULT_RULES) {
    this.chars = Array.from(text); // code points, as the analytics count positions
    this.states = new Uint8Array(this.chars.length);
    this.everWrong = new Uint8Array(this.chars.length);
    this.words = wordSpans(this.chars);
    this.typed = new Int32Array(this.words.length);
    this.extras = this.words.map(() => []);
    this.rules = rules;
    this.nextSlot = this.chars.length + 1; // the text's end itself is where the last word's space lands
    this.words.forEach((w, i) => w.end > w.start && this.wordByLastLetter.set(w.end - 1, i));
    this.done = this.chars.length === 0;
  }

  get length(): number {
    return this.chars.length;
  }

  get finished(): boolean {
    return this.done;
  }

  /** The cursor: the next letter of the current word, or the space after it once the letters are typed. */
  get pos(): number {
    if (this.done) return this.chars.length;
    const span = this.words[this.word]!;
    return Math.min(span.start + this.typed[this.word]!, span.end);
  }

  /** Extra letters shown after the letter at `lastLetter` (a word's last letter), '' when none. */
  extrasAfter(lastLetter: number): string {
    const index = this.wordByLastLetter.get(lastLetter);
    return index === undefined ? '' : this.extras[index]!.map((e) => e.char).join('');
  }

  /** Extra letters on screen before the cursor: the ticker tape slides by them too. */
  get extrasBeforeCursor(): number {
    let n = 0;
    for (let w = 0; w <= this.word && w < this.words.length; w++) n += this.extras[w]!.length;
    return n;
  }

  keydown(key: EngineKey): KeyOutcome {
    if (key.code === 'Backspace' || key.key === 'Backspace') return this.done ? NOTHING : this.erase(key.flags);
    if (this.done || !typesCharacter(key)) return NOTHING;
    return this.type(key.key);
  }

  /** Text committed by an IME: each code point as if typed, but no keystroke is recorded. */
  typeText(text: string): number[] {
    const changed: number[] = [];
    for (const char of text) {
      if (this.done) break;
      changed.push(...this.type(char).changed);
    }
    return changed;
  }

  private type(char: string): KeyOutcome {
    const span = this.words[this.word]!;
    const typed = this.typed[this.word]!;
    if (char === ' ' && !(this.rules.stopOn === 'letter' && span.start + typed < span.end)) return this.space(span, typed);
    if (span.start + typed < span.end) return this.letter(span, span.start + typed, char);
    return this.extra(span, char);
  }

  private letter(span: WordSpan, at: number, char: string): KeyOutcome {
    const right = char === this.chars[at];
    if (!right) this.everWrong[at] = 1;
    if (!right && this.rules.stopOn === 'letter') {
      this.states[at] = CharState.Error; // the cursor stays until the right letter comes
      return { textPos: at, isError: true, changed: [at] };
    }
    this.states[at] = right ? (this.everWrong[at] ? CharState.Corrected : CharState.Correct) : CharState.Error;
    this.typed[this.word]!++;
    if (at + 1 === span.end && this.word === this.words.length - 1) this.done = true;
    return { textPos: at, isError: !right, changed: [at] };
  }

  private extra(span: WordSpan, char: string): KeyOutcome {
    if (this.rules.stopOn === 'letter') {
      // A letter where the space belongs: an error at the space, and the cursor waits there.
      this.everWrong[span.end] = 1;
      this.states[span.end] = CharState.Error;
      return { textPos: span.end, isError: true, changed: [span.end] };
    }
    const extras = this.extras[this.word]!;
    if (extras.length >= MAX_EXTRA_LETTERS) return { textPos: -1, isError: true, changed: [] };
    const slot = this.nextSlot++;
    extras.push({ char, slot });
    return { textPos: slot, isError: true, changed: [span.end - 1] };
  }

  private space(span: WordSpan, typed: number): KeyOutcome {
    const empty = typed === 0 && this.extras[this.word]!.length === 0;
    if (empty && span.end > span.start) return NOTHING; // space on an empty word does nothing, as Monkeytype
    const last = this.word === this.words.length - 1;
    if (this.rules.stopOn === 'word' && this.holdsError(this.word, true)) {
      if (last) return { textPos: -1, isError: true, changed: [] };
      this.everWrong[span.end] = 1; // the space stays pending; the error shows as a flash
      return { textPos: span.end, isError: true, changed: [] };
    }
    const changed: number[] = [];
    for (let q = span.start + typed; q < span.end; q++) {
      this.states[q] = CharState.Missed;
      changed.push(q);
    }
    if (last) {
      // No space follows the last word: the keystroke lands at the text's end, so the
      // analytics still see the letters it skipped.
      this.done = true;
      return { textPos: this.chars.length, isError: false, changed };
    }
    this.states[span.end] = this.everWrong[span.end] ? CharState.Corrected : CharState.Correct;
    changed.push(span.end);
    this.word++;
    return { textPos: span.end, isError: false, changed };
  }

  private erase(flags: number): KeyOutcome {
    const wholeWord = (flags & (KeyFlags.CTRL | KeyFlags.ALT)) !== 0;
    const cursor = this.pos;
    // Stop-on-letter/word keeps the cursor on a wrong mark: Backspace only clears the mark.
    if (this.states[cursor] === CharState.Error) {
      this.states[cursor] = CharState.Pending;
      return { textPos: cursor, isError: false, changed: [cursor] };
    }
    if (this.typed[this.word] === 0 && this.extras[this.word]!.length === 0) return this.backIntoPrevious(wholeWord);
    return wholeWord ? this.clearWord() : this.eraseOne();
  }

  private eraseOne(): KeyOutcome {
    const span = this.words[this.word]!;
    const extra = this.extras[this.word]!.pop();
    if (extra) return { textPos: extra.slot, isError: false, changed: [span.end - 1] };
    const at = span.start + --this.typed[this.word]!;
    this.states[at] = CharState.Pending;
    return { textPos: at, isError: false, changed: [at] };
  }

  /** Clears the current word; an event at its first extra slot erases every extra after it too (METRICS.md). */
  private clearWord(): KeyOutcome {
    const span = this.words[this.word]!;
    const extras = this.extras[this.word]!;
    const textPos = extras[0]?.slot ?? span.start;
    const changed: number[] = [];
    for (let q = span.start; q < span.start + this.typed[this.word]!; q++) {
      this.states[q] = CharState.Pending;
      changed.push(q);
    }
    if (extras.length > 0) changed.push(span.end - 1);
    extras.length = 0;
    this.typed[this.word] = 0;
    return { textPos, isError: false, changed };
  }

  private backIntoPrevious(wholeWord: boolean): KeyOutcome {
    const previous = this.word - 1;
    const allowed = this.rules.backspaceInto === 'any' || (this.rules.backspaceInto === 'errors' && this.holdsError(previous, false));
    if (previous < 0 || !allowed) return NOTHING;
    const span = this.words[previous]!;
    const changed: number[] = [span.end];
    this.states[span.end] = CharState.Pending;
    for (let q = span.start + this.typed[previous]!; q < span.end; q++) {
      this.states[q] = CharState.Pending;
      changed.push(q);
    }
    this.word = previous;
    if (!wholeWord) return { textPos: span.end, isError: false, changed };
    const cleared = this.clearWord();
    return { textPos: cleared.textPos, isError: false, changed: [...changed, ...cleared.changed] };
  }

  /** A wrong or missed letter, or an extra one; `open` counts letters not yet typed as missing. */
  private holdsError(word: number, open: boolean): boolean {
    const span = this.words[word]!;
    if (this.extras[word]!.length > 0) return true;
    if (open ? this.typed[word]! < span.end - span.start : false) return true;
    for (let q = span.start; q < span.end; q++) {
      if (this.states[q] === CharState.Error || this.states[q] === CharState.Missed) return true;
    }
    return false;
  }
}

/** A character key, auto-repeat included: held down it types again, as in any text field. */
function typesCharacter(key: EngineKey): boolean {
  return isCharacterKeystroke({ type: 0, code: key.code, key: key.key, flags: key.flags & ~KeyFlags.REPEAT });
}
