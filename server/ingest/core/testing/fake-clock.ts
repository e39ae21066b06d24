import type { Clock, FaultContext, FaultLog } from '../ports.ts';

interface Timer {
  at: number;
  order: number;
  fn: () => void;
}

/**
 * A clock the test moves by hand: timers fire only inside advance(), in the order they are
 * due, each with now() at its due time. No test of the core or the writer waits for real time.
 */
export class FakeClock implements Clock {
  private timers: Timer[] = [];
  private made = 0;

  constructor(private current = 1_700_000_000_000) {}

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.current + Math.max(0, ms), order: this.made++, fn };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Moves time forward by ms, firing every timer that falls due on the way (and those they set). */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const next = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
    }
    this.current = end;
  }

  /** Timers set and not yet fired or cancelled. */
  get pending(): number {
    return this.timers.length;
  }
}

/** A logger port that keeps every line, for tests that check an error was logged with its context. */
export class FakeLog implements FaultLog {
  readonly lines: Array<FaultContext & { message: string }> = [];

  error(context: FaultContext, message: string): void {
    this.lines.push({ ...context, message });
  }

  get events(): string[] {
    return this.lines.map((l) => l.event);
  }
}
