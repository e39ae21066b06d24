/**
 * Microseconds since the session's first keydown, on the monotonic performance.now() clock
 * (never Date.now(), which jumps when the system clock is set). Offsets never decrease in
 * capture order, as the protocol asks: an event stamped a hair earlier than the one before
 * it (timestamps of coalesced input can cross) takes the previous offset.
 */
export class SessionClock {
  private originMs: number | null = null;
  private lastUs = 0;

  get started(): boolean {
    return this.originMs !== null;
  }

  /** Starts the clock at the first keydown's time; later calls are ignored. */
  start(atMs: number): void {
    if (this.originMs === null) this.originMs = atMs;
  }

  offsetUs(atMs: number): number {
    if (this.originMs === null) throw new Error('SessionClock.offsetUs before start');
    const us = Math.max(this.lastUs, Math.round((atMs - this.originMs) * 1000));
    this.lastUs = us;
    return us;
  }

  /** Milliseconds since the origin at performance-clock time `nowMs` (0 before the start). */
  elapsedMs(nowMs: number): number {
    return this.originMs === null ? 0 : Math.max(0, nowMs - this.originMs);
  }
}
