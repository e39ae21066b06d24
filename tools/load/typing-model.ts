import type { KeyEvent } from '../../shared/protocol/key-event.ts';
import { KeyFlags } from '../../shared/protocol/key-event.ts';
import { codeOf, needsShift, neighbourOf } from './qwerty.ts';
import type { Random } from './random.ts';
import { WORDS } from './words.ts';

/**
 * A typist drawn from the public figures (../shared/REFERENCE.md section 5, Dhakal et al.
 * CHI 2018): speed ~ N(51.6, 20) WPM; keydown-to-keydown intervals log-normal with the
 * median at ~0.7 of the mean (170 vs 240 ms at average speed); hold times log-normal around
 * 100 ms (5-95%: 56-191 ms), so fast typists overlap keys (rollover) on their own; ~6% wrong
 * keys, four in five corrected with Backspace (~1.2% left uncorrected, ~1.1 keystrokes per
 * character); longer pauses between words and sentences.
 */
export interface TypistProfile {
  wpm: number;
  holdMedianMs: number;
  errorRate: number;
  correctionRate: number;
}

export function drawProfile(rng: Random): TypistProfile {
  return {
    wpm: Math.min(140, Math.max(15, rng.normal(51.6, 20))),
    holdMedianMs: Math.min(160, Math.max(60, rng.normal(100, 15))),
    errorRate: Math.min(0.15, Math.max(0.01, rng.normal(0.06, 0.02))),
    correctionRate: 0.8,
  };
}

const IKI_SIGMA = Math.sqrt(2 * Math.log(1 / 0.7)); // median = 0.7 x mean
const HOLD_SIGMA = Math.log(191 / 100) / 1.645;

/** An endless stream of keydowns and keyups, in time order, from a generated text. */
export class TypistScript {
  readonly profile: TypistProfile;
  private readonly pending: KeyEvent[] = []; // sorted by offsetUs
  private clockMs = 0;
  private textPos = 0;
  private sentenceStart = true;

  constructor(private readonly rng: Random, profile?: TypistProfile) {
    this.profile = profile ?? drawProfile(rng);
  }

  /** Every event with offset <= untilMs since the first keydown. */
  take(untilMs: number): KeyEvent[] {
    while (this.clockMs <= untilMs + 1000) this.typeWord();
    const due: KeyEvent[] = [];
    while (this.pending.length && this.pending[0]!.offsetUs <= untilMs * 1000) due.push(this.pending.shift()!);
    return due;
  }

  private typeWord(): void {
    let word = this.rng.pick(WORDS);
    if (this.sentenceStart) word = word[0]!.toUpperCase() + word.slice(1);
    this.sentenceStart = false;
    const endsSentence = this.rng.next() < 0.1;
    const text = `${word}${endsSentence ? '.' : ''} `;
    for (const char of text) this.typeChar(char);
    // Between words a little longer, between sentences much longer (reading ahead).
    this.clockMs += endsSentence ? 200 + this.rng.next() * 500 : this.interval() * 0.3;
    if (endsSentence) this.sentenceStart = true;
  }

  private typeChar(char: string): void {
    if (this.rng.next() < this.profile.errorRate && /[a-z]/i.test(char)) {
      const wrong = neighbourOf(char, (items) => this.rng.pick(items));
      this.press(wrong, this.textPos, true);
      if (this.rng.next() < this.profile.correctionRate) {
        this.clockMs += 150 + this.rng.next() * 250; // noticing the mistake
        this.press('Backspace', this.textPos, false);
        this.press(char, this.textPos, false);
      }
    } else {
      this.press(char, this.textPos, false);
    }
    this.textPos++;
  }

  private press(key: string, textPos: number, isError: boolean): void {
    const code = key === 'Backspace' ? 'Backspace' : codeOf(key) ?? 'Unidentified';
    this.clockMs += this.interval();
    let flags = 0;
    if (key.length === 1 && needsShift(key)) {
      flags = KeyFlags.SHIFT;
      const shiftCode = code.startsWith('Key') && 'QWERTASDFGZXCVB'.includes(code[3]!) ? 'ShiftRight' : 'ShiftLeft';
      this.schedule({ type: 0, code: shiftCode, key: 'Shift', offsetUs: (this.clockMs - 60) * 1000, textPos: -1, isError: false, flags });
      this.schedule({ type: 1, code: shiftCode, key: 'Shift', offsetUs: (this.clockMs + 80) * 1000, textPos: -1, isError: false, flags: 0 });
    }
    const hold = Math.min(400, Math.max(30, this.rng.logNormal(this.profile.holdMedianMs, HOLD_SIGMA)));
    this.schedule({ type: 0, code, key, offsetUs: Math.round(this.clockMs * 1000), textPos, isError, flags });
    this.schedule({ type: 1, code, key, offsetUs: Math.round((this.clockMs + hold) * 1000), textPos, isError, flags });
  }

  private interval(): number {
    const meanMs = 60_000 / (this.profile.wpm * 5);
    return Math.max(25, this.rng.logNormal(meanMs * 0.7, IKI_SIGMA));
  }

  private schedule(event: KeyEvent): void {
    // Integer microseconds, never negative: the protocol refuses anything else.
    event.offsetUs = Math.max(0, Math.round(event.offsetUs));
    let i = this.pending.length;
    while (i > 0 && this.pending[i - 1]!.offsetUs > event.offsetUs) i--;
    this.pending.splice(i, 0, event);
  }
}
