import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { KEYSTROKE_COPY_COLUMNS } from './keystroke-rows.ts';
import { isConnectionError } from './pg-errors.ts';

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
  flushed(stats: { rows: number; batches: number; ms: number; redone: boolean }): void;
  /** A session's batches could not be stored for a reason other than the connection. */
  failed(sessionId: string, error: Error, firstFailure: Error): void;
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

interface SessionRow {
  id: string;
  committed_seq: number;
  ingest_owner: string | null;
  ended_at: Date | null;
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
    try {
      const outcome = await this.store(chunk);
      this.markAvailable();
      this.options.listener.flushed({ rows: outcome.rows, batches: chunk.length, ms: Date.now() - started, redone: outcome.redone });
      for (const c of outcome.committed) this.options.listener.committed(c.sessionId, c.ownerId, c.seq);
      for (const r of outcome.rejected) this.options.listener.rejected(r.sessionId, r.ownerId, r.reason, r.seq);
    } catch (error) {
      if (isConnectionError(error)) {
        this.markUnavailable(error as Error);
        this.requeueFront(chunk);
      } else {
        // Not the database's availability but this data: store each session on its own, so
        // one bad session cannot hold back the others.
        await this.isolate(chunk, error as Error);
      }
    } finally {
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

async function storeOnce(client: pg.PoolClient, chunk: PendingBatch[], viaStaging: boolean): Promise<StoreOutcome> {
  try {
    await client.query('BEGIN');
    const plan = await planFlush(client, chunk);
    if (plan.toStore.length > 0) {
      if (viaStaging) await insertMissing(client, plan.toStore);
      else await copyRows(client, 'keystrokes', plan.toStore);
      await client.query(
        `UPDATE typing_sessions t SET committed_seq = v.seq, event_count = t.event_count + v.n, updated_at = now()
         FROM unnest($1::uuid[], $2::int[], $3::int[]) AS v(id, seq, n) WHERE t.id = v.id`,
        [plan.advance.map((a) => a.sessionId), plan.advance.map((a) => a.seq), plan.advance.map((a) => a.rows)],
      );
    }
    await client.query('COMMIT');
    return { committed: plan.committed, rejected: plan.rejected, rows: plan.toStore.reduce((n, b) => n + b.rowCount, 0), redone: viaStaging };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

interface StoreOutcome {
  committed: Array<{ sessionId: string; ownerId: string; seq: number }>;
  rejected: Array<{ sessionId: string; ownerId: string; reason: Rejection; seq: number }>;
  rows: number;
  redone: boolean;
}

interface FlushPlan {
  toStore: PendingBatch[];
  advance: Array<{ sessionId: string; seq: number; rows: number }>;
  committed: StoreOutcome['committed'];
  rejected: StoreOutcome['rejected'];
}

/**
 * Decides per session, under the row lock, what to store: only batches of the connection
 * that holds the session, only those past committed_seq, and only an unbroken run from
 * committed_seq + 1. Everything at or below committed_seq is a resend and is acknowledged.
 */
async function planFlush(client: pg.PoolClient, chunk: PendingBatch[]): Promise<FlushPlan> {
  const bySession = groupBySession(chunk);
  const { rows } = await client.query<SessionRow>(
    'SELECT id, committed_seq, ingest_owner, ended_at FROM typing_sessions WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE',
    [[...bySession.keys()]],
  );
  const found = new Map(rows.map((r) => [r.id, r]));
  const plan: FlushPlan = { toStore: [], advance: [], committed: [], rejected: [] };
  for (const [sessionId, batches] of bySession) {
    const row = found.get(sessionId);
    const byOwner = groupBy(batches, (b) => b.ownerId);
    for (const [ownerId, owned] of byOwner) {
      if (!row) {
        plan.rejected.push({ sessionId, ownerId, reason: 'unknown_session', seq: 0 });
        continue;
      }
      if (row.ingest_owner !== ownerId) {
        plan.rejected.push({ sessionId, ownerId, reason: 'taken_over', seq: row.committed_seq });
        continue;
      }
      let next = row.committed_seq + 1;
      let rowsAdded = 0;
      let refusal: Rejection | undefined;
      for (const batch of owned.sort((a, b) => a.seq - b.seq)) {
        if (batch.seq < next) continue; // at or below committed_seq: a resend, acknowledged below
        if (row.ended_at) refusal = 'ended';
        else if (batch.seq !== next) refusal = 'sequence_gap';
        if (refusal) break;
        plan.toStore.push(batch);
        rowsAdded += batch.rowCount;
        next++;
      }
      if (rowsAdded > 0 || next > row.committed_seq + 1) plan.advance.push({ sessionId, seq: next - 1, rows: rowsAdded });
      plan.committed.push({ sessionId, ownerId, seq: next - 1 });
      if (refusal) plan.rejected.push({ sessionId, ownerId, reason: refusal, seq: next - 1 });
    }
  }
  return plan;
}

// The whole flush goes out as one buffer in one write: written batch by batch, the stream
// waits for 'drain' between writes, and each wait queues behind the socket traffic of every
// connection on the event loop (measured: COPY of 8,000 rows took 45-125 ms that way).
async function copyRows(client: pg.PoolClient, table: string, batches: PendingBatch[]): Promise<void> {
  const stream = client.query(copyFrom(`COPY ${table} (${KEYSTROKE_COPY_COLUMNS}) FROM STDIN`));
  await pipeline(Readable.from([Buffer.concat(batches.map((b) => b.rows))]), stream);
}

async function insertMissing(client: pg.PoolClient, batches: PendingBatch[]): Promise<void> {
  await client.query('CREATE TEMP TABLE IF NOT EXISTS keystrokes_staging (LIKE keystrokes) ON COMMIT DELETE ROWS');
  await client.query('TRUNCATE keystrokes_staging');
  await copyRows(client, 'keystrokes_staging', batches);
  await client.query(`INSERT INTO keystrokes SELECT * FROM keystrokes_staging ON CONFLICT DO NOTHING`);
}

function groupBySession(batches: PendingBatch[]): Map<string, PendingBatch[]> {
  return groupBy(batches, (b) => b.sessionId);
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
