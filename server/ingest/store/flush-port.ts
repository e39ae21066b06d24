import type { WriterRejection } from '../core/ports.ts';

// What the writer's batching policy (keystroke-writer.ts) and the flush transaction
// (flush-transaction.ts) share: both import this file, neither the other.

/** One client batch waiting to be stored, its rows already encoded for COPY. */
export interface PendingBatch {
  sessionId: string;
  /** The connection that holds the session; a batch from a connection that lost it is not stored. */
  ownerId: string;
  seq: number;
  rows: Uint8Array;
  rowCount: number;
  receivedAt: number;
}

export interface StoreOutcome {
  committed: Array<{ sessionId: string; ownerId: string; seq: number }>;
  rejected: Array<{ sessionId: string; ownerId: string; reason: WriterRejection; seq: number }>;
  rows: number;
  redone: boolean;
  /** Which plan stored it: 'optimistic' (advance_committed and COPY in one query) or 'locked' (row locks first). */
  path: 'optimistic' | 'locked';
}

/** Where the writer's chunks go: one transaction per call (PostgreSQL in production, a fake in tests). */
export interface FlushStore {
  /** Stores the chunk in one transaction and says per session what was committed or refused; throws when it could not. */
  store(chunk: PendingBatch[]): Promise<StoreOutcome>;
  /** Whether an error means the database is unreachable (the chunk is retried) rather than bad data (isolated). */
  isUnavailable(error: unknown): boolean;
}

export function groupBySession(batches: PendingBatch[]): Map<string, PendingBatch[]> {
  const map = new Map<string, PendingBatch[]>();
  for (const batch of batches) {
    const list = map.get(batch.sessionId);
    if (list) list.push(batch);
    else map.set(batch.sessionId, [batch]);
  }
  return map;
}
