import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import type { ReplayLog } from './replay-log.ts';

/**
 * A replay log as an endless event stream, like TypistScript. Each client starts at its own
 * point of the log (`startMs`), so a thousand clients replaying one log do not type in
 * lockstep; the log wraps around and repeats for as long as the session lasts.
 */
export class ReplayScript {
  private readonly pending: KeyEvent[] = [];
  private loop = 0;

  constructor(private readonly log: ReplayLog, private readonly startMs = 0) {}

  take(untilMs: number): KeyEvent[] {
    while (this.loop * this.log.spanMs - this.startMs <= untilMs + this.log.spanMs) this.queueLoop();
    const due: KeyEvent[] = [];
    while (this.pending.length && this.pending[0]!.offsetUs <= untilMs * 1000) due.push(this.pending.shift()!);
    return due;
  }

  private queueLoop(): void {
    const shiftUs = Math.round((this.loop * this.log.spanMs - this.startMs) * 1000);
    for (const e of this.log.events) {
      const offsetUs = e.offsetUs + shiftUs;
      if (offsetUs >= 0) this.pending.push({ ...e, offsetUs }); // the part of the first pass before startMs is skipped
    }
    this.loop++;
  }
}
