import { handOfFinger, pairClassOfFingers, type FingerId, type Hand, type PairClass } from './fingers.ts';
import { asciiLetter, isAutoRepeat, isCharacterKeystroke, isModifierCode } from './key-classes.ts';
import { streamOrder, type StoredKeystroke } from './keystroke.ts';
import { KeyFlags } from '../protocol/key-event.ts';

/**
 * One keydown with everything the figures need, worked out over the whole session. This is
 * the reference of the SQL in server/analytics/sql/derive-sql.ts (and of the rows kept in
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
  flags: number;
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
  /** A character keystroke past the text's end + 1: an extra letter, each at a slot of its own. */
  isExtra: boolean;
  /** An extra letter a later Backspace erased (one at a slot from the text's end + 1 up to this one's). */
  extraErased: boolean;
  /** Text positions this space keystroke skipped that no keystroke ever typed: missed letters. */
  missedBefore: number;
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
  const text = Array.from(practiceText);
  markPositions(facts, text);
  markExtras(facts, text.length);
  markMissed(facts, text.length);
  return facts;
}

function newFact(e: StoredKeystroke): KeydownFact {
  const isRepeat = isAutoRepeat(e.type, e.flags);
  const isModifier = isModifierCode(e.code);
  return {
    batchSeq: e.batchSeq, batchIdx: e.batchIdx, offsetUs: e.offsetUs, code: e.code, key: e.key,
    finger: e.finger, hand: handOfFinger(e.finger as FingerId), flags: e.flags, textPos: e.textPos, isError: e.isError,
    isRepeat, isModifier, inSequence: !isRepeat && !isModifier, isChar: isCharacterKeystroke(e),
    upUs: null, dwellUs: null, transitionUs: null, flightUs: null,
    isFirstTry: false, firstTryWasError: false, isFinal: false, expected: null, letter: null, digraph: null, pairClass: null,
    isExtra: false, extraErased: false, missedBefore: 0,
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

/** Extra letters (past the text's end + 1) and whether a later Backspace erased each. */
function markExtras(facts: KeydownFact[], textLength: number): void {
  let lowestLaterErase = Infinity;
  for (let i = facts.length - 1; i >= 0; i--) {
    const f = facts[i]!;
    if (f.isChar && f.textPos > textLength) {
      f.isExtra = true;
      f.extraErased = lowestLaterErase <= f.textPos;
    }
    if (f.code === 'Backspace' && f.textPos > textLength) lowestLaterErase = Math.min(lowestLaterErase, f.textPos);
  }
}

/**
 * Missed letters: positions 0..length (length = the end, where a space after the last word
 * lands) that no keydown typing a character (auto-repeats included) ever addressed, counted
 * on the space keystroke that jumped over them. gap(p) = unaddressed positions up to p
 * = p + 1 - rank of p among the addressed positions; a space counts the growth of the gap
 * since the highest gap of the keydowns before it.
 */
function markMissed(facts: KeydownFact[], textLength: number): void {
  const addressing = facts.filter((f) => typesCharacter(f) && f.textPos >= 0 && f.textPos <= textLength);
  const positions = [...new Set(addressing.map((f) => f.textPos))].sort((a, b) => a - b);
  const rank = new Map(positions.map((p, i) => [p, i + 1]));
  let highestGap = 0;
  for (const f of addressing) {
    const gap = f.textPos + 1 - rank.get(f.textPos)!;
    if (f.key === ' ') f.missedBefore = Math.max(0, gap - highestGap);
    highestGap = Math.max(highestGap, gap);
  }
}

/** A keydown that types a character, auto-repeat or not. */
function typesCharacter(f: KeydownFact): boolean {
  return f.isChar || (f.isRepeat && isCharacterKeystroke({ type: 0, code: f.code, key: f.key, flags: f.flags & ~KeyFlags.REPEAT }));
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
