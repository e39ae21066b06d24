import type { WriterBatch } from '../../core/ports.ts';
import { FakeClock } from '../../core/testing/fake-clock.ts';
import { KeystrokeWriter, type WriterListener, type WriterOptions } from '../keystroke-writer.ts';
import type { FlushStore, PendingBatch, StoreOutcome } from '../flush-port.ts';

/** One call of the fake store: what it was given, and the test decides how it ends. */
export interface FlushCall {
  chunk: PendingBatch[];
  /** Commits: each session's highest seq in the chunk is acknowledged. */
  commit(): void;
  fail(error: Error): void;
}

/**
 * The flush transaction behind its port, without PostgreSQL: every call waits until the test
 * commits or fails it, so the writer's policy (when, how much, how many at once) is visible.
 */
export class FakeFlushStore implements FlushStore {
  readonly calls: FlushCall[] = [];
  /** Calls not yet committed or failed. */
  readonly open: FlushCall[] = [];

  store(chunk: PendingBatch[]): Promise<StoreOutcome> {
    return new Promise((resolve, reject) => {
      const call: FlushCall = {
        chunk,
        commit: () => {
          this.close(call);
          resolve(committedOutcome(chunk));
        },
        fail: (error) => {
          this.close(call);
          reject(error);
        },
      };
      this.calls.push(call);
      this.open.push(call);
    });
  }

  isUnavailable(error: unknown): boolean {
    return (error as { code?: unknown }).code === 'ECONNREFUSED';
  }

  private close(call: FlushCall): void {
    this.open.splice(this.open.indexOf(call), 1);
  }
}

function committedOutcome(chunk: PendingBatch[]): StoreOutcome {
  const last = new Map<string, PendingBatch>();
  for (const b of chunk) if ((last.get(b.sessionId)?.seq ?? 0) < b.seq) last.set(b.sessionId, b);
  return {
    committed: [...last.values()].map((b) => ({ sessionId: b.sessionId, ownerId: b.ownerId, seq: b.seq })),
    rejected: [],
    rows: chunk.reduce((n, b) => n + b.rowCount, 0),
    redone: false,
    path: 'optimistic',
  };
}

/** Every listener call, in order, as 'committed:S:3', 'rejected:S:internal', 'database:false', ... */
export class RecordingListener implements WriterListener {
  readonly log: string[] = [];
  readonly failures: Error[] = [];

  committed(sessionId: string, _ownerId: string, seq: number): void {
    this.log.push(`committed:${sessionId}:${seq}`);
  }
  rejected(sessionId: string, _ownerId: string, reason: string): void {
    this.log.push(`rejected:${sessionId}:${reason}`);
  }
  databaseState(available: boolean): void {
    this.log.push(`database:${available}`);
  }
  flushed(stats: { rows: number }): void {
    this.log.push(`flushed:${stats.rows}`);
  }
  failed(sessionId: string, error: Error): void {
    this.failures.push(error);
    this.log.push(`failed:${sessionId}`);
  }
}

export interface WriterRig {
  writer: KeystrokeWriter;
  store: FakeFlushStore;
  clock: FakeClock;
  listener: RecordingListener;
  /** Enqueues a batch of `rows` rows (one byte each) received now. */
  add(sessionId: string, seq: number, rows?: number, ownerId?: string): void;
}

export function writerRig(options: Partial<Pick<WriterOptions, 'flushRows' | 'flushMs' | 'flushers'>> = {}): WriterRig {
  const store = new FakeFlushStore();
  const clock = new FakeClock();
  const listener = new RecordingListener();
  const writer = new KeystrokeWriter({
    flushRows: 100, flushMs: 50, flushers: 2, ...options,
    store, clock, encodeRows: (b: WriterBatch) => new Uint8Array(b.events.length),
  });
  writer.listen(listener);
  const add = (sessionId: string, seq: number, rows = 10, ownerId = `owner-${sessionId}`) => {
    const events = Array.from({ length: rows }, (_, i) => ({ type: 0 as const, code: 'KeyA', key: 'a', offsetUs: i, textPos: i, isError: false, flags: 0 }));
    writer.enqueue({ sessionId, ownerId, seq, events, fingers: new Uint8Array(rows), receivedAt: clock.now() });
  };
  return { writer, store, clock, listener, add };
}

/** Lets pending promise continuations run, without any timer. */
export async function turns(n = 10): Promise<void> {
  for (let i = 0; i < n; i++) await Promise.resolve();
}

export function connectionRefused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
}

/** The (session:seq) of each batch in a chunk, for short assertions. */
export const seqs = (chunk: PendingBatch[]): string[] => chunk.map((b) => `${b.sessionId}:${b.seq}`);
