/**
 * Keystrokes in flight for less than GRACE_MS are ordinary streaming, not a backlog. The page
 * cuts a batch every 150 ms and its ack follows within tens of milliseconds, so an indicator
 * that showed "sending" whenever something was unacknowledged flickered between "sending" and
 * "saved" several times a second while the typist typed. It now says "sending" only once
 * keystrokes have waited GRACE_MS without the backlog ever emptying (the server is slow), and
 * at once when they wait with no connection to carry them (parked).
 */
export const GRACE_MS = 1000;

export interface SendingVerdict {
  /** Show the backlog ("sending – N keys queued"). */
  show: boolean;
  /** Look again after this many milliseconds (the grace ends), or null. */
  recheckInMs: number | null;
}

export class SendingGrace {
  private since: number | null = null;

  constructor(private readonly graceMs = GRACE_MS) {}

  /** `waiting`: unacknowledged keystrokes exist; `parked`: some have no stream to carry them. */
  observe(waiting: boolean, parked: boolean, nowMs: number): SendingVerdict {
    if (!waiting) {
      this.since = null;
      return { show: false, recheckInMs: null };
    }
    if (parked) return { show: true, recheckInMs: null };
    this.since ??= nowMs;
    const left = this.since + this.graceMs - nowMs;
    return left <= 0 ? { show: true, recheckInMs: null } : { show: false, recheckInMs: left };
  }
}
