import { handOfFinger, pairClassOfFingers, type FingerId, type Hand, type PairClass } from './fingers.ts';
import { asciiLetter, isAutoRepeat, isCharacterKeystroke, isModifierCode } from './key-classes.ts';
import { streamOrder, type StoredKeystroke } from './keystroke.ts';

/**
 * One keydown with everything the figures need, worked out over the whole session. This is
 * the reference of the SQL in server/db/analytics/derive-sql.ts (and of the rows kept in
 * session_keydowns): the same fields, the same rules.
 */
export interface KeydownFact {
  batchSeq: number;
  batchIdx: number;
  offsetUs: number;
  code: string;
  key: string;
  finger: number;
  hand: Hand;
  textPos: number;
  isError: boolean;
  isRepeat: boolean;
  isModifier: boolean;
  /** In the keystroke sequence: not a repeat, not a modifier. */
  inSequence: boolean;
  /** Types one character (key-classes.ts). */
  isChar: boolean;
  /** The matching keyup, when it came. */
  upUs: number | null;
  dwellUs: number | null;
  /** From the previous keystroke of the sequence: keydown to keydown. */
  transitionUs: number | null;
  /** From the previous keystroke's keyup; negative under rollover; null when that keyup never came. */
  flightUs: number | null;
  /** The first character keystroke at its text position. */
  isFirstTry: boolean;
  /** The first keystroke at this keystroke's text position was an error (character keystrokes only). */
  firstTryWasError: boolean;
  /** The last character keystroke at its text position, or a character typed at no position. */
  isFinal: boolean;
  /** The practice text's character at textPos (character keystrokes inside the text). */
  expected: string | null;
  /** The letter meant: the expected character when known, else the one typed; ASCII a-z or null. */
  letter: string | null;
  /** Previous keystroke's letter + this letter, when both are letters. */
  digraph: string | null;
  pairClass: PairClass | null;
}

export function deriveKeydowns(events: readonly StoredKeystroke[], practiceText: string): KeydownFact[] {
  const ordered = [...events].sort(streamOrder);
  const facts: KeydownFact[] = [];
  // A keydown waiting for its keyup, per physical key. A second keydown of the same key
  // (not an auto-repeat) means the first keyup never came: the first keeps no dwell. A
  // keyup with nothing waiting is ignored.
  const waiting = new Map<string, KeydownFact>();
  for (const e of ordered) {
    if (e.type === 1) {
      const down = waiting.get(e.code);
      if (down) {
        down.upUs = e.offsetUs;
        down.dwellUs = e.offsetUs - down.offsetUs;
        waiting.delete(e.code);
      }
      continue;
    }
    const fact = newFact(e);
    if (!fact.isRepeat) waiting.set(e.code, fact);
    facts.push(fact);
  }
  linkSequence(facts);
  markPositions(facts, Array.from(practiceText));
  return facts;
}

function newFact(e: StoredKeystroke): KeydownFact {
  const isRepeat = isAutoRepeat(e.type, e.flags);
  const isModifier = isModifierCode(e.code);
  return {
    batchSeq: e.batchSeq, batchIdx: e.batchIdx, offsetUs: e.offsetUs, code: e.code, key: e.key,
    finger: e.finger, hand: handOfFinger(e.finger as FingerId), textPos: e.textPos, isError: e.isError,
    isRepeat, isModifier, inSequence: !isRepeat && !isModifier, isChar: isCharacterKeystroke(e),
    upUs: null, dwellUs: null, transitionUs: null, flightUs: null,
    isFirstTry: false, firstTryWasError: false, isFinal: false, expected: null, letter: null, digraph: null, pairClass: null,
  };
}

/** Positions, expected characters and letters, then the pairs of consecutive keystrokes. */
function markPositions(facts: KeydownFact[], text: readonly string[]): void {
  const first = new Map<number, KeydownFact>();
  const last = new Map<number, KeydownFact>();
  for (const f of facts) {
    if (!f.isChar) continue;
    if (f.textPos >= 0 && f.textPos < text.length) f.expected = text[f.textPos]!;
    f.letter = asciiLetter(f.expected ?? f.key);
    if (f.textPos < 0) {
      f.isFinal = true;
      continue;
    }
    if (!first.has(f.textPos)) first.set(f.textPos, f);
    last.set(f.textPos, f);
  }
  for (const f of first.values()) f.isFirstTry = true;
  for (const f of last.values()) f.isFinal = true;
  for (const f of facts) if (f.isChar && f.textPos >= 0) f.firstTryWasError = first.get(f.textPos)!.isError;
  let previous: KeydownFact | undefined;
  for (const f of facts) {
    if (!f.inSequence) continue;
    if (previous?.letter && f.letter) {
      f.digraph = previous.letter + f.letter;
      f.pairClass = pairClassOfFingers(previous.finger, f.finger);
    }
    previous = f;
  }
}

/** Transition and flight of each keystroke of the sequence from the one before it. */
function linkSequence(facts: KeydownFact[]): void {
  let previous: KeydownFact | undefined;
  for (const f of facts) {
    if (!f.inSequence) continue;
    if (previous) {
      f.transitionUs = f.offsetUs - previous.offsetUs;
      f.flightUs = previous.upUs === null ? null : f.offsetUs - previous.upUs;
    }
    previous = f;
  }
}

/** Where a session's figures start and end: first keydown to the last keyup (or keydown). */
export interface SessionBounds {
  startUs: number;
  endUs: number;
}

/** Null when the session has no keydown that counts (auto-repeats do not). */
export function sessionBounds(facts: readonly KeydownFact[]): SessionBounds | null {
  let startUs = Infinity;
  let endUs = -Infinity;
  for (const f of facts) {
    if (f.isRepeat) continue;
    startUs = Math.min(startUs, f.offsetUs);
    endUs = Math.max(endUs, f.upUs ?? f.offsetUs);
  }
  return startUs === Infinity ? null : { startUs, endUs };
}
