import type pg from 'pg';
import { isConnectionError } from '../../db/pg-errors.ts';
import { groupBySession, storeOnce, type StoreOutcome } from './flush-transaction.ts';

/** One client batch waiting to be stored, its rows already in COPY text form. */
export interface PendingBatch {
  sessionId: string;
  /** The connection that holds the session; a batch from a connection that lost it is not stored. */
  ownerId: string;
  seq: number;
  rows: Uint8Array;
  rowCount: number;
  receivedAt: number;
}

export type Rejection = 'taken_over' | 'ended' | 'unknown_session' | 'sequence_gap' | 'internal';

/** What a flush reports, once per session it touched, after COMMIT (or after giving up). */
export interface WriterListener {
  committed(sessionId: string, ownerId: string, committedSeq: number): void;
  rejected(sessionId: string, ownerId: string, reason: Rejection, committedSeq: number): void;
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
  connect: () => Promise<pg.PoolClient>;
  listener: WriterListener;
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
export class KeystrokeWriter {
  private queue: PendingBatch[] = [];
  private queuedRows = 0;
  private queuedBytes = 0;
  private inFlightBytes = 0;
  private readonly busySessions = new Set<string>();
  private running = 0;
  private timer: NodeJS.Timeout | undefined;
  private backoffUntil = 0;
  private backoffMs = 0;
  private available = true;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];
  private readonly inFlight = new Set<PendingBatch[]>();

  constructor(private readonly options: WriterOptions) {}

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
  oldestPendingAgeMs(now = Date.now()): number {
    let oldest = this.queue[0]?.receivedAt ?? Number.POSITIVE_INFINITY;
    for (const chunk of this.inFlight) oldest = Math.min(oldest, chunk[0]?.receivedAt ?? oldest);
    return Number.isFinite(oldest) ? Math.max(0, now - oldest) : 0;
  }

  enqueue(batch: PendingBatch): void {
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
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(force = false): void {
    if (this.stopped) return;
    while (this.running < this.options.flushers && this.queue.length > 0) {
      const now = Date.now();
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
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.schedule(this.idleWaiters.length > 0);
    }, Math.max(1, at - Date.now()));
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
    const started = Date.now();
    const bytes = chunk.reduce((n, b) => n + b.rows.byteLength, 0);
    const sessions = [...new Set(chunk.map((b) => b.sessionId))];
    this.inFlight.add(chunk);
    try {
      const outcome = await this.store(chunk);
      this.markAvailable();
      const done = Date.now();
      this.options.listener.flushed({ rows: outcome.rows, batches: chunk.length, ms: done - started, redone: outcome.redone, path: outcome.path, batchAgesMs: chunk.map((b) => done - b.receivedAt) });
      for (const c of outcome.committed) this.options.listener.committed(c.sessionId, c.ownerId, c.seq);
      for (const r of outcome.rejected) this.options.listener.rejected(r.sessionId, r.ownerId, r.reason, r.seq);
    } catch (error) {
      this.options.listener.flushFailed?.(isConnectionError(error) ? 'database_unavailable' : 'data');
      if (isConnectionError(error)) {
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
        const outcome = await this.store(batches);
        for (const c of outcome.committed) this.options.listener.committed(c.sessionId, c.ownerId, c.seq);
        for (const r of outcome.rejected) this.options.listener.rejected(r.sessionId, r.ownerId, r.reason, r.seq);
      } catch (error) {
        if (isConnectionError(error)) {
          this.markUnavailable(error as Error);
          this.requeueFront(batches);
          continue;
        }
        const first = batches[0]!;
        this.options.listener.failed(first.sessionId, error as Error, cause);
        this.options.listener.rejected(first.sessionId, first.ownerId, 'internal', 0);
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
    this.backoffUntil = Date.now() + this.backoffMs;
    if (this.available) {
      this.available = false;
      this.options.listener.databaseState(false, error);
    }
  }

  private markAvailable(): void {
    this.backoffMs = 0;
    if (!this.available) {
      this.available = true;
      this.options.listener.databaseState(true);
    }
  }

  private notifyIdle(): void {
    if (this.queue.length > 0 || this.running > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /**
   * One transaction: the heart of exactly-once. COPY goes straight into the table (no
   * savepoint: a subtransaction around every COPY costs throughput); in the rare case that
   * rows beyond committed_seq already exist (written outside this path), the unique key
   * refuses the COPY and the flush is redone through a staging table that inserts only what
   * is missing.
   */
  private async store(chunk: PendingBatch[]): Promise<StoreOutcome> {
    const client = await this.options.connect();
    let broken: Error | undefined;
    try {
      try {
        return await storeOnce(client, chunk, false);
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error;
        return await storeOnce(client, chunk, true);
      }
    } catch (error) {
      broken = error as Error;
      throw error;
    } finally {
      client.release(broken && isConnectionError(broken) ? broken : undefined);
    }
  }
}
