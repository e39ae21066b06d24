import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import type { LiveFigures } from '../../../shared/metrics/live.ts';
import { LiveWindow } from '../../../shared/metrics/live-window.ts';

/**
 * Most events a window keeps. Ten seconds of the fastest human typing is ~440 events (44 a
 * second at the peak, REFERENCE.md section 5); a client sending more, or with offsets that
 * never advance, must not grow the window or the once-a-second computation without bound.
 */
export const MAX_WINDOW_EVENTS = 1000;

interface Window {
  events: LiveWindow;
  /** Highest batch seq added: a batch resent after a takeover is stored once, so counted once. */
  lastSeq: number;
  lastOffsetUs: number;
  lastArrivalMs: number;
}

/**
 * The last few seconds of each session's events, for the live figures. The session's clock
 * is its own (microseconds since its first keydown); between batches it is advanced by the
 * wall time since the last one arrived, so a typist who stops sees the speed fall.
 */
export class LiveWindows {
  private readonly windows = new Map<string, Window>();

  /** `now`: the wall clock in ms (a port: the core never reads the real clock). */
  constructor(private readonly windowUs: number, private readonly now: () => number) {}

  add(sessionId: string, seq: number, events: readonly KeyEvent[]): void {
    if (events.length === 0) return;
    let w = this.windows.get(sessionId);
    if (!w) this.windows.set(sessionId, (w = { events: new LiveWindow(), lastSeq: 0, lastOffsetUs: 0, lastArrivalMs: 0 }));
    if (seq <= w.lastSeq) return;
    w.lastSeq = seq;
    for (const e of events) {
      w.events.push(e);
      if (e.offsetUs > w.lastOffsetUs) w.lastOffsetUs = e.offsetUs;
    }
    // Trimmed in steps of MAX_WINDOW_EVENTS, so the cost stays O(1) per event.
    if (w.events.size > 2 * MAX_WINDOW_EVENTS) w.events.trim(Number.NEGATIVE_INFINITY, MAX_WINDOW_EVENTS);
    w.lastArrivalMs = this.now();
  }

  has(sessionId: string): boolean {
    return this.windows.has(sessionId);
  }

  get size(): number {
    return this.windows.size;
  }

  forget(sessionId: string): void {
    this.windows.delete(sessionId);
  }

  /** Figures of every session that received events within the window; idle ones are dropped. */
  figures(nowMs: number, wanted: (sessionId: string) => boolean = () => true): Array<[string, LiveFigures]> {
    const out: Array<[string, LiveFigures]> = [];
    for (const [sessionId, w] of this.windows) {
      if (this.expire(sessionId, w, nowMs) || !wanted(sessionId)) continue;
      out.push([sessionId, this.compute(w, nowMs)]);
    }
    return out;
  }

  /** One session's figures, or undefined when it has no events within the window. */
  figuresOf(sessionId: string, nowMs: number): LiveFigures | undefined {
    const w = this.windows.get(sessionId);
    if (!w || this.expire(sessionId, w, nowMs)) return undefined;
    return this.compute(w, nowMs);
  }

  /** Drops the window of a session idle for longer than the window; true if dropped. */
  private expire(sessionId: string, w: Window, nowMs: number): boolean {
    if ((nowMs - w.lastArrivalMs) * 1000 <= this.windowUs) return false;
    this.windows.delete(sessionId);
    return true;
  }

  private compute(w: Window, nowMs: number): LiveFigures {
    const nowUs = w.lastOffsetUs + Math.max(0, nowMs - w.lastArrivalMs) * 1000;
    w.events.trim(nowUs - this.windowUs, MAX_WINDOW_EVENTS);
    return w.events.figures(nowUs, this.windowUs);
  }
}
