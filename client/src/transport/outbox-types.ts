import type { KeyEvent } from '../../../shared/protocol/key-event.ts';

/** What POST /api/sessions needs to create the server's copy of a session. */
export interface SessionCreateBody {
  mode: string;
  config: Record<string, number | boolean | string>;
  practiceText: string;
  wordSetId: string | null;
  keyboardLayout: string;
}

/**
 * A typing session as the outbox keeps it until the server has every batch and has ended
 * it. Sessions are created locally first (typing never waits for the network) and get
 * their server id whenever the sidecar can be reached.
 */
export interface OutboxSession {
  /** Generated in the browser; the outbox key. */
  localId: string;
  /** The typist it belongs to (access token subject), when known. */
  userId: string | null;
  /** typing_sessions.id once POST /api/sessions succeeded. */
  serverId: string | null;
  create: SessionCreateBody;
  /** Highest batch seq cut so far (0: none), as of the record's last write. */
  lastSeq: number;
  /** No batch will be added: once all are sent, the stream sends `end`. */
  finished: boolean;
  /** Date.now() at creation: sessions are delivered oldest first. */
  createdAt: number;
  /** Why the server refused the session for good; the batches are kept, not dropped. */
  failure: string | null;
}

/** One protocol batch, persisted from the moment it is cut until an ack covers it. */
export interface OutboxBatch {
  localId: string;
  seq: number;
  events: KeyEvent[];
}

/**
 * Durable storage of the outbox. Writes are applied in call order (the IndexedDB store
 * opens its transactions in the order of the calls), which is what makes a later delete
 * never overtake the put of the same batch.
 */
export interface OutboxStore {
  /** Creates or replaces the session record (rare: creation, server id, finish, failure). */
  putSession(session: OutboxSession): Promise<void>;
  /** One batch, the moment it is cut. The session record is not rewritten per batch: it holds the whole practice text. */
  putBatch(batch: OutboxBatch): Promise<void>;
  deleteBatchesUpTo(localId: string, seq: number): Promise<void>;
  /** The session and any batches left. */
  deleteSession(localId: string): Promise<void>;
  sessions(): Promise<OutboxSession[]>;
  batches(localId: string): Promise<OutboxBatch[]>;
  /** False when writes only live in memory (IndexedDB unavailable). */
  readonly durable: boolean;
}
