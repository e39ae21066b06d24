import type { Clock, EndResult } from './ports.ts';

interface EndWaiter {
  connectionId: string;
  seq: number;
  resolve: (result: EndResult) => void;
}

/**
 * Ends waiting for their last batch to be committed, per session. Each gives up after
 * `timeoutMs` with DATABASE_UNAVAILABLE, and is forgotten then, or the list (and the
 * session's committed seq the hub keeps for it) would be kept forever.
 */
export class EndWaiters {
  private readonly waiting = new Map<string, EndWaiter[]>();

  constructor(private readonly clock: Clock, private readonly timeoutMs: number) {}

  has(sessionId: string): boolean {
    return this.waiting.has(sessionId);
  }

  /** Resolves once seq is committed; `committedSeq` says how far it got when the wait gives up. */
  wait(sessionId: string, connectionId: string, seq: number, committedSeq: () => number): Promise<EndResult> {
    return new Promise((resolve) => {
      const waiter: EndWaiter = { connectionId, seq, resolve: (r) => { cancel(); resolve(r); } };
      const cancel = this.clock.after(this.timeoutMs, () => {
        this.keep(sessionId, (w) => w !== waiter);
        resolve({ ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: committedSeq(), cause: `batches not committed within ${this.timeoutMs} ms of end` });
      });
      const list = this.waiting.get(sessionId) ?? [];
      list.push(waiter);
      this.waiting.set(sessionId, list);
    });
  }

  /** The session's batches are committed up to seq: the ends waiting for those go on. */
  committed(sessionId: string, seq: number): void {
    const done = this.keep(sessionId, (w) => w.seq > seq);
    for (const w of done) w.resolve({ ok: true, committedSeq: seq });
  }

  /**
   * The writer refused a connection's batches. Only that connection's own end fails: after a
   * takeover the old owner's leftover batches are rejected, and that must not fail the new owner's end.
   */
  rejected(sessionId: string, connectionId: string, seq: number): void {
    const done = this.keep(sessionId, (w) => w.connectionId !== connectionId);
    for (const w of done) w.resolve({ ok: false, code: 'SESSION_TAKEN_OVER', committedSeq: seq });
  }

  /** Shutdown: every end still waiting is told to reconnect. */
  shutDown(): void {
    for (const waiters of this.waiting.values()) for (const w of waiters) w.resolve({ ok: false, code: 'SERVER_SHUTDOWN', committedSeq: 0 });
    this.waiting.clear();
  }

  /** Keeps the session's waiters that pass, returns the others. */
  private keep(sessionId: string, pass: (w: EndWaiter) => boolean): EndWaiter[] {
    const all = this.waiting.get(sessionId) ?? [];
    const left = all.filter(pass);
    if (left.length) this.waiting.set(sessionId, left);
    else this.waiting.delete(sessionId);
    return all.filter((w) => !pass(w));
  }
}
