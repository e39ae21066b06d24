/**
 * Rolling figures shown while someone types: speed, accuracy, hold and flight times over the
 * last few seconds. The same definitions as the session analytics (METRICS.md), applied to a
 * short window, so the live numbers and the report after agree.
 */

/** The fields of a key event the live figures need (a protocol KeyEvent fits). */
export interface TimedKey {
  type: 0 | 1; // 0 keydown, 1 keyup
  code: string;
  key: string;
  offsetUs: number;
  isError: boolean;
  flags: number;
}

export interface LiveFigures {
  windowSec: number;
  /** Correct characters / 5 per minute. */
  wpm: number;
  /** All characters typed / 5 per minute. */
  rawWpm: number;
  /** Correct character keystrokes / all character keystrokes, 0..1 (1 when none). */
  accuracy: number;
  /** Mean keydown→keyup of the same key, ms (0 when none paired). */
  dwellMs: number;
  /** Mean previous keyup→keydown, ms; negative under rollover (0 when none). */
  flightMs: number;
  keystrokes: number;
}

const REPEAT_FLAG = 1;
const MIN_SPAN_US = 1_000_000; // below a second of typing, speeds are noise

/** A keydown that types a character (a letter, digit, punctuation or space), auto-repeat excluded. */
export function typesCharacter(event: TimedKey): boolean {
  return event.type === 0 && (event.flags & REPEAT_FLAG) === 0 && [...event.key].length === 1;
}

/**
 * Figures over the events with offsetUs in (nowUs - windowUs, nowUs]. `events` must be in
 * capture order. The window is shortened to the time actually typed when the session is
 * younger than the window.
 */
export function liveFigures(events: readonly TimedKey[], nowUs: number, windowUs: number): LiveFigures {
  const from = nowUs - windowUs;
  let typed = 0;
  let correct = 0;
  let keystrokes = 0;
  let firstUs = Number.POSITIVE_INFINITY;
  const downAt = new Map<string, number>();
  let dwellSum = 0;
  let dwellCount = 0;
  let lastUpUs: number | undefined;
  let flightSum = 0;
  let flightCount = 0;
  for (const e of events) {
    if (e.offsetUs <= from || e.offsetUs > nowUs) continue;
    if (e.offsetUs < firstUs) firstUs = e.offsetUs;
    if (e.type === 0) {
      if ((e.flags & REPEAT_FLAG) !== 0) continue;
      keystrokes++;
      if (typesCharacter(e)) {
        typed++;
        if (!e.isError) correct++;
      }
      if (lastUpUs !== undefined) {
        flightSum += e.offsetUs - lastUpUs;
        flightCount++;
      }
      downAt.set(e.code, e.offsetUs);
    } else {
      const down = downAt.get(e.code);
      if (down !== undefined) {
        dwellSum += e.offsetUs - down;
        dwellCount++;
        downAt.delete(e.code);
      }
      lastUpUs = e.offsetUs;
    }
  }
  const spanUs = keystrokes === 0 ? windowUs : Math.max(MIN_SPAN_US, Math.min(windowUs, nowUs - firstUs));
  const minutes = spanUs / 60_000_000;
  return {
    windowSec: round(spanUs / 1_000_000, 2),
    wpm: round(correct / 5 / minutes, 1),
    rawWpm: round(typed / 5 / minutes, 1),
    accuracy: typed === 0 ? 1 : round(correct / typed, 4),
    dwellMs: dwellCount === 0 ? 0 : round(dwellSum / dwellCount / 1000, 1),
    flightMs: flightCount === 0 ? 0 : round(flightSum / flightCount / 1000, 1),
    keystrokes,
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
