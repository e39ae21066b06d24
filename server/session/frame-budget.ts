/**
 * A token bucket of frames per connection. A typist sends a few frames a second and a load
 * generator a few dozen; a client far beyond that is broken or hostile, and is closed
 * before it can starve the others of the event loop.
 */
export class FrameBudget {
  private tokens: number;
  private last: number;

  constructor(private readonly perSecond: number, private readonly burst: number, now: number) {
    this.tokens = burst;
    this.last = now;
  }

  take(now: number): boolean {
    // The clock is the wall clock (Date.now), which can step backwards: a step back must not
    // take tokens away, or every typist would be closed with RATE_LIMITED, a permanent code.
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
