/**
 * Answers that may arrive out of order: a slow answer for the old date range, filter or
 * target must not replace the quick one for the new. Each start() supersedes the ones before,
 * so only the latest request's answer (or error) is shown.
 */
export class Latest {
  private started = 0;
  private open = 0;

  /** `onPending` hears every change of `pending` (a page shows it as "loading"). */
  constructor(private readonly onPending: (pending: number) => void = () => undefined) {}

  /** Requests started and not yet settled, superseded ones included. */
  get pending(): number {
    return this.open;
  }

  /**
   * Runs `work` as the latest request. Its answer goes to `apply` and its error to `fail`
   * only while no later request has started; a superseded one settles silently.
   * `isCurrent` lets the work itself stop early (e.g. no further retry).
   */
  async run<T>(work: (isCurrent: () => boolean) => Promise<T>, apply: (value: T) => void, fail: (error: unknown) => void = (error) => { throw error; }): Promise<void> {
    const mine = ++this.started;
    const isCurrent = () => mine === this.started;
    this.onPending(++this.open);
    try {
      const value = await work(isCurrent);
      if (isCurrent()) apply(value);
    } catch (error) {
      if (isCurrent()) fail(error);
    } finally {
      this.onPending(--this.open);
    }
  }
}
