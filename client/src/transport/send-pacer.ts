/**
 * The client's side of the frame budget (PROTOCOL.md §6.1-6.2): a token bucket with the
 * figures `welcome` states, with margin, because frames sent evenly can still reach the server
 * bunched up (a busy event loop, TCP coalescing). A backlog of 20,000 batches then goes out
 * at ~180 a second instead of all at once, and the server never has to throttle.
 */
export class SendPacer {
  private tokens: number;
  private last: number;
  private readonly perMs: number;
  private readonly burst: number;

  constructor(framesPerSecond: number, frameBurst: number, now: number, alreadySent = 0) {
    this.perMs = (framesPerSecond * 0.9) / 1000;
    this.burst = Math.max(1, Math.floor(frameBurst / 2));
    // Frames already sent on this connection (hello and the pipelined batches) used the budget too.
    this.tokens = this.burst - alreadySent;
    this.last = now;
  }

  /** Takes a token if one is there. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs);
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + Math.max(0, now - this.last) * this.perMs);
    this.last = now;
  }
}
