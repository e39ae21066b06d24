/**
 * Rolling figures shown while someone types: speed, accuracy, hold and flight times over the
 * last few seconds. The definitions are the session analytics' (METRICS.md), built from the
 * same predicates, applied to the events of a short window, so the live numbers and the
 * report agree. Because a window is not a session: a keyup whose keydown fell before the
 * window is ignored like any keyup without a keydown, a text position counts by its last
 * keystroke inside the window, and the span is the window (shortened while the session is
 * younger), at least a second.
 *
 * This is the definition, kept simple: the ingest server computes the same figures with
 * LiveWindow (live-window.ts), which does the pairing once per event as events arrive and
 * is tested against this function.
 */
import { isAutoRepeat, isCharacterKeystroke, isModifierCode } from './key-classes.ts';
import { CHARS_PER_WORD } from './speed.ts';

/** The fields of a key event the live figures need (a protocol KeyEvent fits). */
export interface TimedKey {
  type: 0 | 1; // 0 keydown, 1 keyup
  code: string;
  key: string;
  offsetUs: number;
  textPos: number;
  isError: boolean;
  flags: number;
}

export interface LiveFigures {
  windowSec: number;
  /** Productive: correct characters / 5 per minute. */
  wpm: number;
  /** Character keystrokes / 5 per minute. */
  rawWpm: number;
  /** Keystroke accuracy: correct character keystrokes / all character keystrokes, 0..1 (1 when none). */
  accuracy: number;
  /** Mean keydown→keyup of the same key, ms (0 when none paired). */
  dwellMs: number;
  /** Mean previous keystroke's keyup→keydown, ms; negative under rollover (0 when none). */
  flightMs: number;
  /** Keystrokes: keydowns that are neither auto-repeats nor modifiers. */
  keystrokes: number;
}

const MIN_SPAN_US = 1_000_000; // below a second of typing, speeds are noise

interface Press {
  downUs: number;
  /** undefined while waiting, null once another keydown of the key showed the keyup was lost. */
  upUs: number | null | undefined;
}

/**
 * Figures over the events with offsetUs in (nowUs - windowUs, nowUs], given in capture
 * order.
 */
export function liveFigures(events: readonly TimedKey[], nowUs: number, windowUs: number): LiveFigures {
  const from = nowUs - windowUs;
  const waiting = new Map<string, Press>();
  const sequence: Press[] = [];
  const lastAtPosition = new Map<number, boolean>(); // text position -> its last keystroke was an error
  let typed = 0;
  let correctKeystrokes = 0;
  let correctUnplaced = 0;
  let firstUs = Number.POSITIVE_INFINITY;
  let dwellSum = 0;
  let dwellCount = 0;
  for (const e of events) {
    if (e.offsetUs <= from || e.offsetUs > nowUs) continue;
    if (e.offsetUs < firstUs) firstUs = e.offsetUs;
    if (e.type === 1) {
      const press = waiting.get(e.code);
      if (press) {
        press.upUs = e.offsetUs;
        dwellSum += e.offsetUs - press.downUs;
        dwellCount++;
        waiting.delete(e.code);
      }
      continue;
    }
    if (isAutoRepeat(e.type, e.flags)) continue;
    const lost = waiting.get(e.code);
    if (lost) lost.upUs = null;
    const press: Press = { downUs: e.offsetUs, upUs: undefined };
    waiting.set(e.code, press);
    if (isModifierCode(e.code)) continue;
    sequence.push(press);
    if (!isCharacterKeystroke(e)) continue;
    typed++;
    if (!e.isError) correctKeystrokes++;
    if (e.textPos >= 0) lastAtPosition.set(e.textPos, e.isError);
    else if (!e.isError) correctUnplaced++;
  }
  let flightSum = 0;
  let flightCount = 0;
  for (let i = 1; i < sequence.length; i++) {
    const up = sequence[i - 1]!.upUs;
    if (up === null || up === undefined) continue;
    flightSum += sequence[i]!.downUs - up;
    flightCount++;
  }
  let correctCharacters = correctUnplaced;
  for (const wasError of lastAtPosition.values()) if (!wasError) correctCharacters++;
  return figuresFromCounts({ keystrokes: sequence.length, typed, correctKeystrokes, correctCharacters, firstUs, dwellSum, dwellCount, flightSum, flightCount }, nowUs, windowUs);
}

/** What one pass over a window counts; the figures follow from these alone. */
export interface WindowCounts {
  keystrokes: number;
  typed: number;
  correctKeystrokes: number;
  correctCharacters: number;
  /** Earliest offset in the window (Infinity when empty). */
  firstUs: number;
  dwellSum: number;
  dwellCount: number;
  flightSum: number;
  flightCount: number;
}

/** The figures from a window's counts: shared by this definition and LiveWindow. */
export function figuresFromCounts(c: WindowCounts, nowUs: number, windowUs: number): LiveFigures {
  const spanUs = c.keystrokes === 0 ? windowUs : Math.max(MIN_SPAN_US, Math.min(windowUs, nowUs - c.firstUs));
  const minutes = spanUs / 60_000_000;
  return {
    windowSec: round(spanUs / 1_000_000, 2),
    wpm: round(c.correctCharacters / CHARS_PER_WORD / minutes, 1),
    rawWpm: round(c.typed / CHARS_PER_WORD / minutes, 1),
    accuracy: c.typed === 0 ? 1 : round(c.correctKeystrokes / c.typed, 4),
    dwellMs: c.dwellCount === 0 ? 0 : round(c.dwellSum / c.dwellCount / 1000, 1),
    flightMs: c.flightCount === 0 ? 0 : round(c.flightSum / c.flightCount / 1000, 1),
    keystrokes: c.keystrokes,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
