/** A session to type into and the ticket that opens it. */
export interface LoadSession {
  sessionId: string;
  ticket: string;
}

/**
 * Sessions for typists that start during the run (stages, churn, arrivals): the ones made
 * up front first, then more from the sidecar in chunks, one request at a time.
 */
export class SessionPool {
  private inFlight: Promise<void> | undefined;

  constructor(private readonly ready: LoadSession[], private readonly fetchMore?: (count: number) => Promise<LoadSession[]>, private readonly chunk = 100) {}

  /** False once the sessions made up front are used and no more can be made (the fault harness). */
  hasMore(): boolean {
    return this.ready.length > 0 || this.fetchMore !== undefined;
  }

  async take(): Promise<LoadSession> {
    for (;;) {
      const session = this.ready.shift();
      if (session) return session;
      if (!this.fetchMore) throw Object.assign(new Error('no sessions left and no way to make more'), { code: 'SESSION_POOL_EMPTY' });
      this.inFlight ??= this.fetchMore(this.chunk).then((more) => {
        this.ready.push(...more);
      }).finally(() => {
        this.inFlight = undefined;
      });
      await this.inFlight;
    }
  }
}
