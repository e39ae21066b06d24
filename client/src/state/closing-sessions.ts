import { KeyFlags } from '../../../shared/protocol/key-event.ts';
import type { CapturedKey } from '../capture/key-record.ts';
import type { SessionClock } from '../capture/session-clock.ts';
import type { ActiveSession } from '../transport/delivery.ts';
import type { KeyOutcome } from '../typing/typing-engine.ts';

interface Closing {
  session: ActiveSession;
  clock: SessionClock;
  held: Map<string, KeyOutcome>;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Sessions cut short (Escape, Tab, a new text) while keys were still down. Typists press Tab
 * or Escape in their typing rhythm, often before the last letter is released; that keyup
 * belongs to the old session and is recorded there, for up to `graceMs`, while the page has
 * already moved on to the next text. Then the session is finished for good.
 */
export class ClosingSessions {
  private readonly closing = new Set<Closing>();

  constructor(private readonly graceMs: number) {}

  /** Finishes `session` now if no key is held, else once the held keys are released. */
  close(session: ActiveSession, clock: SessionClock, held: ReadonlyMap<string, KeyOutcome>): void {
    if (held.size === 0) {
      session.finish();
      return;
    }
    const entry: Closing = { session, clock, held: new Map(held), timer: setTimeout(() => this.finish(entry), this.graceMs) };
    this.closing.add(entry);
  }

  /** Records a keyup in the closing session that holds its key; false when none does. */
  keyup(record: CapturedKey): boolean {
    for (const entry of this.closing) {
      const pressed = entry.held.get(record.code);
      if (!pressed) continue;
      entry.held.delete(record.code);
      entry.session.add({
        type: 1, code: record.code, key: record.key, offsetUs: entry.clock.offsetUs(record.atMs),
        textPos: pressed.textPos, isError: pressed.isError, flags: record.flags & ~KeyFlags.REPEAT,
      });
      if (entry.held.size === 0) this.finish(entry);
      return true;
    }
    return false;
  }

  /** The page lost the keyboard: no keyup will come. */
  finishAll(): void {
    for (const entry of [...this.closing]) this.finish(entry);
  }

  private finish(entry: Closing): void {
    clearTimeout(entry.timer);
    if (this.closing.delete(entry)) entry.session.finish();
  }
}
