import { isCharacterKeystroke } from '../../../shared/metrics/key-classes.ts';
import { KeyFlags } from '../../../shared/protocol/key-event.ts';
import { CharState } from './char-state.ts';

/** A keydown as the engine needs it. */
export interface EngineKey {
  code: string;
  key: string;
  flags: number;
}

export interface KeyOutcome {
  /** The text position the key addressed (typed or erased), -1 when none. */
  textPos: number;
  /** The key typed a character other than the one expected. */
  isError: boolean;
  /** Positions whose state changed, to repaint. */
  changed: number[];
}

const NOTHING: KeyOutcome = Object.freeze({ textPos: -1, isError: false, changed: [] }) as KeyOutcome;

/**
 * The practice text and the cursor, with no DOM and no clock: a keydown goes in, the
 * position it addressed, whether it was an error and which characters changed come out.
 *
 * Rules: a character keystroke (shared/metrics/key-classes: one code point, no shortcut, no
 * IME, no auto-repeat) is compared with the expected character. Right: the character turns
 * correct (or "corrected" if it was ever wrong) and the cursor moves on. Wrong: it turns
 * error and, in free mode, the cursor moves on too; with stop-on-error the cursor stays
 * until the right key comes. Backspace steps back one character (held down it repeats),
 * Ctrl/Alt+Backspace back to the start of the word. Everything else leaves the text alone.
 */
export class TypingEngine {
  readonly chars: readonly string[];
  readonly states: Uint8Array;
  /** Positions typed wrong at least once: a later right keystroke there is a correction. */
  private readonly missed: Uint8Array;
  pos = 0;

  constructor(text: string, private readonly stopOnError: boolean) {
    this.chars = Array.from(text); // code points, as the analytics count positions
    this.states = new Uint8Array(this.chars.length);
    this.missed = new Uint8Array(this.chars.length);
  }

  get length(): number {
    return this.chars.length;
  }

  get finished(): boolean {
    return this.pos >= this.chars.length;
  }

  keydown(key: EngineKey): KeyOutcome {
    if (key.code === 'Backspace' || key.key === 'Backspace') return this.erase(key.flags);
    if (this.finished || !isCharacterKeystroke({ type: 0, ...key })) return NOTHING;
    return this.type(key.key);
  }

  /** Text committed by an IME: each code point as if typed, but no keystroke is recorded. */
  typeText(text: string): number[] {
    const changed: number[] = [];
    for (const char of text) {
      if (this.finished) break;
      changed.push(...this.type(char).changed);
    }
    return changed;
  }

  private type(char: string): KeyOutcome {
    const at = this.pos;
    const right = char === this.chars[at];
    if (!right) this.missed[at] = 1;
    this.states[at] = right ? (this.missed[at] ? CharState.Corrected : CharState.Correct) : CharState.Error;
    if (right || !this.stopOnError) this.pos++;
    return { textPos: at, isError: !right, changed: [at] };
  }

  private erase(flags: number): KeyOutcome {
    // Stop-on-error keeps the cursor on the wrong character: Backspace only clears the mark.
    if (this.stopOnError && this.states[this.pos] === CharState.Error) {
      this.states[this.pos] = CharState.Pending;
      return { textPos: this.pos, isError: false, changed: [this.pos] };
    }
    if (this.pos === 0) return NOTHING;
    const wholeWord = (flags & (KeyFlags.CTRL | KeyFlags.ALT)) !== 0;
    const changed: number[] = [];
    do {
      this.pos--;
      this.states[this.pos] = CharState.Pending;
      changed.push(this.pos);
    } while (wholeWord && this.pos > 0 && !this.wordStartsAt(this.pos));
    return { textPos: this.pos, isError: false, changed };
  }

  /** Ctrl+Backspace stops at a word start; spaces just behind the cursor go with the word. */
  private wordStartsAt(pos: number): boolean {
    return this.chars[pos - 1] === ' ' && this.chars[pos] !== ' ';
  }
}
