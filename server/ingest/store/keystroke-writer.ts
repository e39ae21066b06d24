import type { BatchWriter, Clock, WriteOutcomes, WriterBatch } from '../core/ports.ts';
import { groupBySession, type FlushStore, type PendingBatch, type StoreOutcome } from './flush-port.ts';

/** What a flush reports, once per session it touched, after COMMIT (or after giving up). */
export interface WriterListener extends WriteOutcomes {
  databaseState(available: boolean, error?: Error): void;
  /** `batchAgesMs`: for each batch, receipt to COMMIT (the server's share of the ack latency). */
  flushed(stats: { rows: number; batches: number; ms: number; redone: boolean; path: StoreOutcome['path']; batchAgesMs: number[] }): void;
  /** A session's batches could not be stored for a reason other than the connection. */
  failed(sessionId: string, error: Error, firstFailure: Error): void;
  /** A flush transaction failed: PostgreSQL unreachable (retried) or the data (isolated). */
  flushFailed?(reason: 'database_unavailable' | 'data'): void;
}

export interface WriterOptions {
  /** Flush as soon as this many rows wait. */
  flushRows: number;
  /** Flush batches that waited this long even if fewer rows wait. */
  flushMs: number;
  /** How many flushes may run at once, each on its own connection. */
  flushers: number;
  /** Where chunks are stored, one transaction each (flush-transaction.ts in production). */
  store: FlushStore;
  clock: Clock;
  /** Encodes a batch's rows when it arrives (keystroke-rows.ts): they wait as bytes. */
  encodeRows(batch: WriterBatch): Uint8Array;
}

/**
 * The COPY batching policy. Batches from every connection wait in one FIFO queue; a flusher
 * takes up to `flushRows` rows as soon as that many wait or the oldest has waited `flushMs`,
 * and stores them in ONE transaction: lock the sessions' rows, drop what is already
 * committed, COPY the rest, advance each session's committed_seq, COMMIT, then acknowledge.
 * A session is never in two flushes at once, so its batches commit in order; while one
 * flush runs, the next one fills up, which is what makes the batches large under load.
 * When PostgreSQL is unreachable the chunk goes back to the front of the queue and is retried
 * with backoff: nothing is acknowledged that is not committed, and nothing is dropped.
 */
export class KeystrokeWriter implements BatchWriter {
  private queue: PendingBatch[] = [];
  private queuedRows = 0;
  private queuedBytes = 0;
  private inFlightBytes = 0;
  private readonly busySessions = new Set<string>();
  private running = 0;
  private cancelTimer: (() => void) | undefined;
  private backoffUntil = 0;
  private backoffMs = 0;
  private available = true;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  private readonly inFlight = new Set<PendingBatch[]>();
  private listener: WriterListener | undefined;

  constructor(private readonly options: WriterOptions) {}

  /**
   * Where outcomes go (the hub, logs and metrics). Set once, after the hub that uses this
   * writer exists, and before the first batch: the two need each other.
   */
  listen(listener: WriterListener): void {
    if (this.listener) throw new Error('the keystroke writer already has a listener');
    this.listener = listener;
  }

  private get events(): WriterListener {
    return this.listener!; // enqueue checks it is there: nothing flushes before a batch came
  }

  /** Bytes held for batches not yet committed (queued and in flight). */
  get bufferedBytes(): number {
    return this.queuedBytes + this.inFlightBytes;
  }

  get queuedBatches(): number {
    return this.queue.length;
  }

  get databaseAvailable(): boolean {
    return this.available;
  }

  /**
   * How long the oldest batch not yet committed has waited (0 when none): what an operator
   * alerts on, since a stalled PostgreSQL shows here within seconds, long before the buffer
   * fills. Chunks keep queue order, so each one's first batch is its oldest.
   */
  oldestPendingAgeMs(now = this.options.clock.now()): number {
    let oldest = this.queue[0]?.receivedAt ?? Number.POSITIVE_INFINITY;
    for (const chunk of this.inFlight) oldest = Math.min(oldest, chunk[0]?.receivedAt ?? oldest);
    return Number.isFinite(oldest) ? Math.max(0, now - oldest) : 0;
  }

  enqueue(received: WriterBatch): void {
    if (!this.listener) throw new Error('the keystroke writer got a batch before its listener was connected');
    const batch: PendingBatch = {
      sessionId: received.sessionId, ownerId: received.ownerId, seq: received.seq,
      rows: this.options.encodeRows(received), rowCount: received.events.length, receivedAt: received.receivedAt,
    };
    this.queue.push(batch);
    this.queuedRows += batch.rowCount;
    this.queuedBytes += batch.rows.byteLength;
    this.schedule();
  }

  /**
   * Forgets queued batches of a session sent by a connection other than its new holder. They
   * were never acknowledged and would be refused at flush; dropping them now frees the buffer
   * for the client that resends them through its new connection.
   */
  supersede(sessionId: string, ownerId: string): void {
    if (!this.queue.some((b) => b.sessionId === sessionId && b.ownerId !== ownerId)) return;
    this.queue = this.queue.filter((b) => {
      if (b.sessionId !== sessionId || b.ownerId === ownerId) return true;
      this.queuedRows -= b.rowCount;
      this.queuedBytes -= b.rows.byteLength;
      return false;
    });
  }

  /** Resolves when nothing is queued or in flight (used by drain), or after `timeoutMs`. */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.queue.length === 0 && this.running === 0) return true;
    this.backoffUntil = 0; // a drain retries at once
    this.schedule(true);
    return new Promise((resolve) => {
      const cancel = this.options.clock.after(timeoutMs, () => resolve(false));
      this.idleWaiters.push(() => {
        cancel();
        resolve(true);
      });
    });
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
  }

  private schedule(force = false): void {
    if (this.stopped) return;
    while (this.running < this.options.flushers && this.queue.length > 0) {
      const now = this.options.clock.now();
      if (now < this.backoffUntil) return this.wakeAt(this.backoffUntil);
      const due = force || this.queuedRows >= this.options.flushRows || now - this.queue[0]!.receivedAt >= this.options.flushMs;
      if (!due) return this.wakeAt(this.queue[0]!.receivedAt + this.options.flushMs);
      const chunk = this.take();
      if (chunk.length === 0) return; // everything queued belongs to sessions in flight
      this.running++;
      void this.flush(chunk).finally(() => {
        this.running--;
        this.schedule(force && this.idleWaiters.length > 0);
        this.notifyIdle();
      });
    }
  }

  private wakeAt(at: number): void {
    if (this.cancelTimer) return;
    this.cancelTimer = this.options.clock.after(Math.max(1, at - this.options.clock.now()), () => {
      this.cancelTimer = undefined;
      this.schedule(this.idleWaiters.length > 0);
    });
  }

  /**
   * Up to flushRows rows, oldest first, skipping sessions that another flush holds. Once the
   * chunk is full nothing more is taken, so a session's batches are never taken out of order;
   * its leftovers stay queued and wait, since the session stays busy until this flush ends.
   */
  private take(): PendingBatch[] {
    const chunk: PendingBatch[] = [];
    const rest: PendingBatch[] = [];
    const taken = new Set<string>();
    let rows = 0;
    for (const batch of this.queue) {
      const heldElsewhere = this.busySessions.has(batch.sessionId) && !taken.has(batch.sessionId);
      if (!heldElsewhere && rows < this.options.flushRows) {
        chunk.push(batch);
        taken.add(batch.sessionId);
        rows += batch.rowCount;
      } else {
        rest.push(batch);
      }
    }
    for (const id of taken) this.busySessions.add(id);
    this.queue = rest;
    const bytes = chunk.reduce((n, b) => n + b.rows.byteLength, 0);
    this.queuedRows -= rows;
    this.queuedBytes -= bytes;
    this.inFlightBytes += bytes;
    return chunk;
  }

  private async flush(chunk: PendingBatch[]): Promise<void> {
    const started = this.options.clock.now();
    const bytes = chunk.reduce((n, b) => n + b.rows.byteLength, 0);
    const sessions = [...new Set(chunk.map((b) => b.sessionId))];
    this.inFlight.add(chunk);
    try {
      const outcome = await this.options.store.store(chunk);
      this.markAvailable();
      const done = this.options.clock.now();
      this.events.flushed({ rows: outcome.rows, batches: chunk.length, ms: done - started, redone: outcome.redone, path: outcome.path, batchAgesMs: chunk.map((b) => done - b.receivedAt) });
      for (const c of outcome.committed) this.events.committed(c.sessionId, c.ownerId, c.seq);
      for (const r of outcome.rejected) this.events.rejected(r.sessionId, r.ownerId, r.reason, r.seq);
    } catch (error) {
      const unavailable = this.options.store.isUnavailable(error);
      this.events.flushFailed?.(unavailable ? 'database_unavailable' : 'data');
      if (unavailable) {
        this.markUnavailable(error as Error);
        this.requeueFront(chunk);
      } else {
        // Not the database's availability but this data: store each session on its own, so
        // one bad session cannot hold back the others.
        await this.isolate(chunk, error as Error);
      }
    } finally {
      this.inFlight.delete(chunk);
      this.inFlightBytes -= bytes;
      for (const id of sessions) this.busySessions.delete(id);
    }
  }

  private async isolate(chunk: PendingBatch[], cause: Error): Promise<void> {
    const bySession = groupBySession(chunk);
    for (const batches of bySession.values()) {
      try {
        const outcome = await this.options.store.store(batches);
        for (const c of outcome.committed) this.events.committed(c.sessionId, c.ownerId, c.seq);
        for (const r of outcome.rejected) this.events.rejected(r.sessionId, r.ownerId, r.reason, r.seq);
      } catch (error) {
        if (this.options.store.isUnavailable(error)) {
          this.markUnavailable(error as Error);
          this.requeueFront(batches);
          continue;
        }
        const first = batches[0]!;
        this.events.failed(first.sessionId, error as Error, cause);
        this.events.rejected(first.sessionId, first.ownerId, 'internal', 0);
      }
    }
  }

  private requeueFront(batches: PendingBatch[]): void {
    this.queue = [...batches, ...this.queue];
    for (const b of batches) {
      this.queuedRows += b.rowCount;
      this.queuedBytes += b.rows.byteLength;
    }
  }

  private markUnavailable(error: Error): void {
    this.backoffMs = Math.min(2000, this.backoffMs ? this.backoffMs * 2 : 100);
    this.backoffUntil = this.options.clock.now() + this.backoffMs;
    if (this.available) {
      this.available = false;
      this.events.databaseState(false, error);
    }
  }

  private markAvailable(): void {
    this.backoffMs = 0;
    if (!this.available) {
      this.available = true;
      this.events.databaseState(true);
    }
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.running > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
