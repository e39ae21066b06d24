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
import { isAutoRepeat, isModifierCode, typesCharacter } from './key-classes.ts';
import { figuresFromCounts, type LiveFigures, type TimedKey } from './live.ts';

const enum Kind {
  KeyUp,
  Repeat,
  Modifier,
  /** A keystroke that types no character (Backspace, Enter, a shortcut). */
  Keystroke,
  Character,
}

const NONE = -1;

/**
 * The events of the window, column by column in typed arrays: no object per event. Each
 * event has an id that never changes (ids only grow); slot = id - base, and the slots before
 * `head` are events already cut off, reclaimed when the arrays are compacted. Measured at
 * 5,000 typists: an object per event, each living ten seconds, was promoted to V8's old
 * generation and doubled the ingest process's memory between collections.
 */
export class LiveWindow {
  private base = 0;
  private head = 0;
  private count = 0;
  private offsetUs = new Float64Array(64);
  /**
   * A keyup: when the keydown it ends went down (NaN when it ends none). A keydown: when its
   * keyup came (NaN while the key is down, or when its keyup was lost).
   */
  private pairUs = new Float64Array(64);
  private kind = new Uint8Array(64);
  private isError = new Uint8Array(64);
  private textPos = new Int32Array(64);
  /** A keydown: the id of the keyup that ended it. */
  private keyUp = new Int32Array(64);
  /** A character keystroke: the id of the next character keystroke at the same text position. */
  private next = new Int32Array(64);
  private codes: string[] = [];
  /** Per key code, the id of its keydown still waiting for a keyup. */
  private readonly down = new Map<string, number>();
  /** Per text position, the id of its latest character keystroke. */
  private readonly lastAt = new Map<number, number>();

  get size(): number {
    return this.count - this.head;
  }

  push(event: TimedKey): void {
    this.reserve();
    const slot = this.count++;
    const id = this.base + slot;
    const kind = kindOf(event);
    this.offsetUs[slot] = event.offsetUs;
    this.pairUs[slot] = Number.NaN;
    this.kind[slot] = kind;
    this.isError[slot] = event.isError ? 1 : 0;
    this.textPos[slot] = event.textPos;
    this.keyUp[slot] = NONE;
    this.next[slot] = NONE;
    this.codes[slot] = event.code;
    if (kind === Kind.KeyUp) {
      const press = this.down.get(event.code);
      if (press !== undefined) {
        const p = press - this.base;
        this.pairUs[p] = event.offsetUs;
        this.keyUp[p] = id;
        this.pairUs[slot] = this.offsetUs[p]!;
        this.down.delete(event.code);
      }
    } else if (kind !== Kind.Repeat) {
      // A new keydown of a key still down: the earlier keyup was lost, its pairUs stays NaN.
      this.down.set(event.code, id);
      if (kind === Kind.Character && event.textPos >= 0) {
        const previous = this.lastAt.get(event.textPos);
        if (previous !== undefined) this.next[previous - this.base] = id;
        this.lastAt.set(event.textPos, id);
      }
    }
  }

  /** Forgets the events at or before fromUs from the front, and all but the last `keep`. */
  trim(fromUs: number, keep: number): void {
    while (this.head < this.count && (this.offsetUs[this.head]! <= fromUs || this.count - this.head > keep)) {
      const slot = this.head++;
      const id = this.base + slot;
      // A keyup whose keydown is forgotten ends nothing, as in liveFigures over what is kept.
      const up = this.keyUp[slot]!;
      if (up !== NONE) this.pairUs[up - this.base] = Number.NaN;
      // The maps must not keep what the window forgot (a client inventing key codes).
      const code = this.codes[slot]!;
      if (this.down.get(code) === id) this.down.delete(code);
      if (this.kind[slot] === Kind.Character && this.lastAt.get(this.textPos[slot]!) === id) this.lastAt.delete(this.textPos[slot]!);
      this.codes[slot] = '';
    }
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
    for (let i = this.head; i < this.count; i++) {
      const offset = this.offsetUs[i]!;
      if (offset <= from || offset > nowUs) continue;
      if (offset < firstUs) firstUs = offset;
      const pair = this.pairUs[i]!;
      switch (this.kind[i]) {
        case Kind.KeyUp:
          if (pair > from) {
            dwellSum += offset - pair;
            dwellCount++;
          }
          continue;
        case Kind.Repeat:
        case Kind.Modifier:
          continue;
        default:
          if (previousUpUs === previousUpUs) { // not NaN
            flightSum += offset - previousUpUs;
            flightCount++;
          }
          previousUpUs = pair > from && pair <= nowUs ? pair : Number.NaN;
          keystrokes++;
          if (this.kind[i] !== Kind.Character) continue;
          typed++;
          if (this.isError[i]) continue;
          correctKeystrokes++;
          if (this.textPos[i]! < 0 || this.isLastInWindow(i, from, nowUs)) correctCharacters++;
      }
    }
    return figuresFromCounts({ keystrokes, typed, correctKeystrokes, correctCharacters, firstUs, dwellSum, dwellCount, flightSum, flightCount }, nowUs, windowUs);
  }

  /**
   * A text position counts by its last keystroke in the window. With offsets in capture order
   * (every real client) the next keystroke at the position is in the window whenever this one
   * is, so this is one step; the walk only matters for a client whose offsets go backwards.
   */
  private isLastInWindow(slot: number, from: number, nowUs: number): boolean {
    for (let n = this.next[slot]!; n !== NONE; n = this.next[n - this.base]!) {
      const offset = this.offsetUs[n - this.base]!;
      if (offset > from && offset <= nowUs) return false;
    }
    return true;
  }

  /** Room for one more event: the cut-off slots are reclaimed first, else the arrays double. */
  private reserve(): void {
    if (this.count < this.offsetUs.length) return;
    if (this.head * 2 >= this.count) {
      const kept = this.count - this.head;
      for (const column of [this.offsetUs, this.pairUs, this.kind, this.isError, this.textPos, this.keyUp, this.next]) column.copyWithin(0, this.head, this.count);
      this.codes = this.codes.slice(this.head, this.count);
      this.base += this.head;
      this.head = 0;
      this.count = kept;
      return;
    }
    const size = this.offsetUs.length * 2;
    this.offsetUs = grow(this.offsetUs, new Float64Array(size));
    this.pairUs = grow(this.pairUs, new Float64Array(size));
    this.kind = grow(this.kind, new Uint8Array(size));
    this.isError = grow(this.isError, new Uint8Array(size));
    this.textPos = grow(this.textPos, new Int32Array(size));
    this.keyUp = grow(this.keyUp, new Int32Array(size));
    this.next = grow(this.next, new Int32Array(size));
  }
}

function grow<T extends Float64Array | Uint8Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function kindOf(event: TimedKey): Kind {
  if (event.type === 1) return Kind.KeyUp;
  if (isAutoRepeat(event.type, event.flags)) return Kind.Repeat;
  if (isModifierCode(event.code)) return Kind.Modifier;
  return typesCharacter(event.flags, event.key) ? Kind.Character : Kind.Keystroke;
}
