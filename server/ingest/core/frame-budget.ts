/** What the connection does with one more frame. */
export type FrameVerdict = 'ok' | 'throttle' | 'close';

/**
 * A token bucket of frames per connection, stated to the client in `welcome` (framesPerSecond,
 * frameBurst). A typist sends a few frames a second; a client resending a long backlog paces
 * itself to the budget. A frame beyond the budget is still handled (refusing it would leave a
 * hole in the client's pipelined seqs) and answered with `throttle`; only a client that goes a
 * whole second burst beyond the budget, i.e. keeps sending after being told to pause, is
 * closed, and with a reconnect code: it loses nothing, and comes back after its backoff.
 */
export class FrameBudget {
  /** Negative while the client is over its budget: the frames it owes. */
  private tokens: number;
  private last: number;

  constructor(private readonly perSecond: number, private readonly burst: number, now: number) {
    this.tokens = burst;
    this.last = now;
  }

  take(now: number): FrameVerdict {
    // The clock is the wall clock (Date.now), which can step backwards: a step back must not
    // take tokens away, or every typist would be throttled for nothing.
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * this.perSecond);
    this.last = now;
    this.tokens -= 1;
    if (this.tokens >= 0) return 'ok';
    return this.tokens >= -this.burst ? 'throttle' : 'close';
  }

  /** How long the client must pause for its budget to be back above zero. */
  retryAfterMs(): number {
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.perSecond) * 1000);
  }
}
