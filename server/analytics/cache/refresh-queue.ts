import type pg from 'pg';
import { refreshSessions } from './refresh.ts';

export interface RefreshQueueOptions {
  /** Sessions rebuilt together (one transaction; the rebuild is set-based, so cheaper per session). */
  batchSize: number;
  /** How long the first ended session waits for others to join its batch. */
  gatherMs: number;
  /**
   * Share of the time spent rebuilding, 0..1: after a batch that took T ms the queue rests
   * T * (1 - dutyCycle) / dutyCycle ms. A rebuild keeps one PostgreSQL backend busy, and on
   * a small machine that core is shared with the flushes typists wait on.
   */
  dutyCycle: number;
  /** Sessions remembered at most; beyond that they are computed on first read instead. */
  maxPending: number;
  /**
   * Storage upkeep of the same ended sessions (the server compacts their keystroke rows),
   * run after their analytics and counted in the same duty cycle.
   */
  upkeep?: (sessionIds: readonly string[]) => Promise<void>;
  onRefreshed?: (stats: { sessions: number; rebuilt: number; ms: number; pending: number }) => void;
  onError?: (sessionIds: readonly string[], error: Error) => void;
  onUpkeepError?: (sessionIds: readonly string[], error: Error) => void;
  onDropped?: (sessionId: string) => void;
}

/**
 * Computes the analytics of ended sessions in the background, one batch at a time on one
 * connection. Before this queue every ended session started its own rebuild (~200 ms on a
 * pool connection): 5,000 load-test sessions ending within 30 s held all ten connections,
 * and claims and ends of live sessions timed out (DATABASE_UNAVAILABLE). Background work
 * must never take the connections the typists wait on, so it runs one batch at a time and
 * falls behind instead. Anything not computed here (queue full, error, process stopped) is
 * computed on first read, so nothing is lost by dropping.
 */
export class AnalyticsRefreshQueue {
  private readonly pending = new Set<string>();
  private running = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly pool: pg.Pool, private readonly options: RefreshQueueOptions) {}

  get size(): number {
    return this.pending.size;
  }

  add(sessionId: string): void {
    if (this.stopped) return;
    if (this.pending.size >= this.options.maxPending && !this.pending.has(sessionId)) {
      this.options.onDropped?.(sessionId);
      return;
    }
    this.pending.add(sessionId);
    if (!this.running && !this.timer) this.timer = setTimeout(() => void this.run(), this.options.gatherMs);
  }

  /** Stops taking work; a batch in progress finishes. What waits is computed on first read. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    this.running = true;
    try {
      while (!this.stopped && this.pending.size > 0) {
        const batch = this.take();
        const started = Date.now();
        try {
          const rebuilt = await refreshSessions(this.pool, batch);
          this.options.onRefreshed?.({ sessions: batch.length, rebuilt, ms: Date.now() - started, pending: this.pending.size });
        } catch (error) {
          this.options.onError?.(batch, error as Error);
        }
        if (this.options.upkeep) {
          try {
            await this.options.upkeep(batch);
          } catch (error) {
            this.options.onUpkeepError?.(batch, error as Error);
          }
        }
        const restMs = ((Date.now() - started) * (1 - this.options.dutyCycle)) / this.options.dutyCycle;
        if (restMs >= 1 && this.pending.size > 0) await new Promise((resolve) => setTimeout(resolve, restMs));
      }
    } finally {
      this.running = false;
    }
  }

  private take(): string[] {
    const batch: string[] = [];
    for (const id of this.pending) {
      if (batch.length >= this.options.batchSize) break;
      batch.push(id);
    }
    for (const id of batch) this.pending.delete(id);
    return batch;
  }
}
