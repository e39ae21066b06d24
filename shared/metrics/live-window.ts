/**
 * The live figures of one session, kept as events arrive. Same definitions and same results
 * as liveFigures (live.ts, the reference, tested against it): what liveFigures works out
 * again on every call, key by key (which keydown a keyup ends, which keystroke is the last
 * at its text position, what kind of key it is), is worked out here once, when the event
 * arrives. Each call is then one pass of arithmetic over the window, no lookups: an ingest
 * process computes this once a second for each of thousands of typists, and every event
 * stays in the window for ten of those seconds.
 *
 * Why the pairing can be done once for the whole stream: liveFigures pairs a keyup with the
 * latest unpaired keydown of its key inside the window, and ignores it when there is none.
 * Pairing over the whole stream finds the same keydown when that keydown is inside the
 * window, and a keydown before it otherwise, which the window check then ignores alike.
 * That holds when events arrive in the order of their offsets, as every client sends them.
 * A client sending events out of order can place an event from before the window after
 * ones inside it; its pairings were made with that event, so dwell and flight may then
 * differ slightly from liveFigures (speed, accuracy and keystrokes never do; tested).
 */
import { isAutoRepeat, isCharacterKeystroke, isModifierCode } from './key-classes.ts';
import type { LiveFigures, TimedKey } from './live.ts';
import { CHARS_PER_WORD } from './speed.ts';

const MIN_SPAN_US = 1_000_000; // as in live.ts

const enum Kind {
  KeyUp,
  Repeat,
  Modifier,
  /** A keystroke that types no character (Backspace, Enter, a shortcut). */
  Keystroke,
  Character,
}

interface Entry {
  offsetUs: number;
  kind: Kind;
  code: string;
  textPos: number;
  isError: boolean;
  /**
   * A keyup: when the keydown it ends went down (NaN when it ends none). A keydown: when its
   * keyup came (NaN while the key is down, or when its keyup was lost).
   */
  pairUs: number;
  /** A keydown: the keyup that ended it. */
  keyUp: Entry | undefined;
  /** A character keystroke: the next character keystroke at the same text position. */
  next: Entry | undefined;
}

export class LiveWindow {
  private entries: Entry[] = [];
  /** Index of the first entry still kept (entries before it are waiting to be cut off). */
  private head = 0;
  /** Per key code, its keydown still waiting for a keyup. */
  private readonly down = new Map<string, Entry>();
  /** Per text position, its latest character keystroke. */
  private readonly lastAt = new Map<number, Entry>();

  get size(): number {
    return this.entries.length - this.head;
  }

  push(event: TimedKey): void {
    const entry: Entry = {
      offsetUs: event.offsetUs, kind: kindOf(event), code: event.code, textPos: event.textPos, isError: event.isError,
      pairUs: Number.NaN, keyUp: undefined, next: undefined,
    };
    if (entry.kind === Kind.KeyUp) {
      const press = this.down.get(event.code);
      if (press) {
        press.pairUs = event.offsetUs;
        press.keyUp = entry;
        entry.pairUs = press.offsetUs;
        this.down.delete(event.code);
      }
    } else if (entry.kind !== Kind.Repeat) {
      // A new keydown of a key still down: the earlier keyup was lost, its pairUs stays NaN.
      this.down.set(event.code, entry);
      if (entry.kind === Kind.Character && entry.textPos >= 0) {
        const previous = this.lastAt.get(entry.textPos);
        if (previous) previous.next = entry;
        this.lastAt.set(entry.textPos, entry);
      }
    }
    this.entries.push(entry);
  }

  /** Forgets the events at or before fromUs from the front, and all but the last `keep`. */
  trim(fromUs: number, keep: number): void {
    const entries = this.entries;
    let head = this.head;
    while (head < entries.length && (entries[head]!.offsetUs <= fromUs || entries.length - head > keep)) {
      const gone = entries[head++]!;
      // A keyup whose keydown is forgotten ends nothing, as in liveFigures over what is kept.
      if (gone.keyUp) gone.keyUp.pairUs = Number.NaN;
      // The maps must not keep what the window forgot (a client inventing key codes).
      if (this.down.get(gone.code) === gone) this.down.delete(gone.code);
      if (gone.kind === Kind.Character && this.lastAt.get(gone.textPos) === gone) this.lastAt.delete(gone.textPos);
    }
    // Compacted in steps, so trimming stays O(1) per event.
    if (head > 64 && head * 2 > entries.length) {
      this.entries = entries.slice(head);
      head = 0;
    }
    this.head = head;
  }

  /** The figures over the events with offsetUs in (nowUs - windowUs, nowUs]. */
  figures(nowUs: number, windowUs: number): LiveFigures {
    const from = nowUs - windowUs;
    let keystrokes = 0;
    let typed = 0;
    let correctKeystrokes = 0;
    let correctCharacters = 0;
    let firstUs = Number.POSITIVE_INFINITY;
    let dwellSum = 0;
    let dwellCount = 0;
    let flightSum = 0;
    let flightCount = 0;
    let previousUpUs = Number.NaN; // keyup of the previous keystroke in the window
    const entries = this.entries;
    for (let i = this.head; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.offsetUs <= from || e.offsetUs > nowUs) continue;
      if (e.offsetUs < firstUs) firstUs = e.offsetUs;
      switch (e.kind) {
        case Kind.KeyUp:
          if (e.pairUs > from) {
            dwellSum += e.offsetUs - e.pairUs;
            dwellCount++;
          }
          continue;
        case Kind.Repeat:
        case Kind.Modifier:
          continue;
        default:
          if (previousUpUs === previousUpUs) { // not NaN
            flightSum += e.offsetUs - previousUpUs;
            flightCount++;
          }
          previousUpUs = e.pairUs > from && e.pairUs <= nowUs ? e.pairUs : Number.NaN;
          keystrokes++;
          if (e.kind !== Kind.Character) continue;
          typed++;
          if (e.isError) continue;
          correctKeystrokes++;
          if (e.textPos < 0 || isLastInWindow(e, from, nowUs)) correctCharacters++;
      }
    }
    const spanUs = keystrokes === 0 ? windowUs : Math.max(MIN_SPAN_US, Math.min(windowUs, nowUs - firstUs));
    const minutes = spanUs / 60_000_000;
    return {
      windowSec: round(spanUs / 1_000_000, 2),
      wpm: round(correctCharacters / CHARS_PER_WORD / minutes, 1),
      rawWpm: round(typed / CHARS_PER_WORD / minutes, 1),
      accuracy: typed === 0 ? 1 : round(correctKeystrokes / typed, 4),
      dwellMs: dwellCount === 0 ? 0 : round(dwellSum / dwellCount / 1000, 1),
      flightMs: flightCount === 0 ? 0 : round(flightSum / flightCount / 1000, 1),
      keystrokes,
    };
  }
}

/**
 * A text position counts by its last keystroke in the window. With offsets in capture order
 * (every real client) the next keystroke at the position is in the window whenever this one
 * is, so this is one step; the walk only matters for a client whose offsets go backwards.
 */
function isLastInWindow(entry: Entry, from: number, nowUs: number): boolean {
  for (let n = entry.next; n; n = n.next) if (n.offsetUs > from && n.offsetUs <= nowUs) return false;
  return true;
}

function kindOf(event: TimedKey): Kind {
  if (event.type === 1) return Kind.KeyUp;
  if (isAutoRepeat(event.type, event.flags)) return Kind.Repeat;
  if (isModifierCode(event.code)) return Kind.Modifier;
  return isCharacterKeystroke(event) ? Kind.Character : Kind.Keystroke;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
