import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import type { ServerMessage } from '../../../shared/protocol/messages.ts';
import type { ErrorCode } from '../../../shared/protocol/codes.ts';
import type { StatsMessage } from '../../../shared/protocol/messages.ts';
import type { TimedKey } from '../../../shared/metrics/live.ts';
import type { StreamStart } from './stream-guard.ts';

/** What a connection learns about its session when it says hello. */
export type ClaimResult =
  | ({ ok: true; committedSeq: number } & StreamStart)
  | { ok: false; code: 'UNKNOWN_SESSION' | 'SESSION_FORBIDDEN' | 'SESSION_ENDED' | 'DATABASE_UNAVAILABLE'; committedSeq: number; cause?: string };

/**
 * A claim as the session store answers it: with, when successful, the connection that held
 * the session before (null: none; undefined: the store does not say), so that other
 * processes are told of a takeover only when one of them may hold it.
 */
export type StoreClaim = ClaimResult | ({ ok: true; committedSeq: number; previousHolder?: string | null } & StreamStart);

/** `cause`, on a refusal the server made for its own reasons: why, for the operator's log (never sent to the client). */
export type EndResult = { ok: true; committedSeq: number } | { ok: false; code: 'DATABASE_UNAVAILABLE' | 'SESSION_TAKEN_OVER' | 'SERVER_SHUTDOWN'; committedSeq: number; cause?: string };

export type BufferLevel = 'ok' | 'throttle' | 'full';

/** Everything the pure core needs from the outside world, injected by the adapter. */
export interface ConnectionPorts {
  /** Makes this connection the holder of the session (latest hello wins) and reads committed_seq. */
  claim(sessionId: string, userId: string, connectionId: string): Promise<ClaimResult>;
  /** Hands a validated batch, fingers assigned, to the writer. */
  store(batch: { sessionId: string; connectionId: string; seq: number; events: KeyEvent[]; fingers: Uint8Array }): void;
  /** How full the server's buffer of uncommitted batches is. */
  bufferLevel(): BufferLevel;
  /** Waits until every batch up to lastSeq is committed, then marks the session ended. */
  end(sessionId: string, connectionId: string, lastSeq: number): Promise<EndResult>;
  /** Starts sending the session's live figures to this connection. */
  watch(sessionId: string, connectionId: string): void;
  send(message: ServerMessage): void;
  close(code: number, reason: string): void;
  nowMs(): number;
  /** The clock's timer (Clock.after): the hello deadline runs on it. */
  after: Clock['after'];
  /** Where an unexpected error (a bug, not an outage) is told, before the connection closes with INTERNAL_ERROR. */
  log: FaultLog;
  /** Protocol events an operator should see in the logs (the adapter logs and counts them). */
  report?(event: ProtocolReport): void;
}

/**
 * What the core reports besides messages: a resend whose content differs from the batch
 * first received under that seq, a hello whose lastAckedSeq is beyond what was stored
 * (acknowledged data lost, PROTOCOL.md §4), every refusal of the client's input, and every
 * claim or end refused because the database could not be reached in time (with why).
 */
export type ProtocolReport =
  | { kind: 'seq_conflict'; sessionId: string; seq: number }
  | { kind: 'acked_data_lost'; sessionId: string; lastAckedSeq: number; committedSeq: number }
  | { kind: 'violation'; sessionId: string; code: ErrorCode; message: string }
  | { kind: 'database_unavailable'; sessionId: string; during: 'claim' | 'end'; cause: string };

/** Who the upgrade's ticket says is connecting. */
export interface ConnectionIdentity {
  connectionId: string;
  userId: string;
  sessionId: string;
  audience: 'ingest' | 'watch';
}

/**
 * Time as the core sees it. The core never reads the real clock or sets real timers, so
 * tests drive it with a fake clock; production passes the system clock (server/bin).
 */
export interface Clock {
  now(): number;
  /** Runs fn once after ms; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
}

/** The fields every fault line carries, so an operator can find the connection and session. */
export interface FaultContext {
  event: string;
  sessionId: string;
  connectionId?: string;
  err: unknown;
}

/** A logger port (pino's Logger fits it): unexpected errors are logged here with their context. */
export interface FaultLog {
  error(context: FaultContext, message: string): void;
}

/** The database side of sessions, as the hub needs it. */
export interface SessionStore {
  claim(sessionId: string, userId: string, connectionId: string): Promise<StoreClaim>;
  markEnded(sessionId: string, connectionId: string): Promise<'ended' | 'taken_over'>;
  /** The connection holding the session now, by the database (null: none, or no such session). */
  holder(sessionId: string): Promise<string | null>;
  /** Whether the session ended, and its stored events of the last `windowUs` before its last one. */
  watchState(sessionId: string, windowUs: number): Promise<{ ended: boolean; events: TimedKey[] }>;
  /**
   * Whether an error thrown by the store (or the writer) means "the database is unreachable
   * now" (the client retries: DATABASE_UNAVAILABLE) rather than a bug (INTERNAL_ERROR, logged).
   */
  isUnavailable(error: unknown): boolean;
}

/** Why the writer did not store a connection's batches. */
export type WriterRejection = 'taken_over' | 'ended' | 'unknown_session' | 'sequence_gap' | 'internal';

/** A validated batch on its way to the writer. */
export interface WriterBatch {
  sessionId: string;
  /** The connection that holds the session; a batch from a connection that lost it is not stored. */
  ownerId: string;
  seq: number;
  events: KeyEvent[];
  fingers: Uint8Array;
  receivedAt: number;
}

/** The writer as the hub uses it (implemented by store/keystroke-writer.ts). */
export interface BatchWriter {
  enqueue(batch: WriterBatch): void;
  readonly bufferedBytes: number;
  idle(timeoutMs: number): Promise<boolean>;
  /** Drops queued, unacknowledged batches of the session from any other connection: they would be refused. */
  supersede(sessionId: string, ownerId: string): void;
}

/** What the writer tells the hub after COMMIT (or after giving up), once per session and connection. */
export interface WriteOutcomes {
  committed(sessionId: string, ownerId: string, committedSeq: number): void;
  rejected(sessionId: string, ownerId: string, reason: WriterRejection, committedSeq: number): void;
}

/** Carries live figures and takeovers to the other ingest processes. */
export interface LiveBus {
  publishStats(stats: StatsMessage): void;
  publishTakeover(sessionId: string, connectionId: string): void;
  /** Tells the other processes that a spectator here wants this session's figures. */
  publishWatch(sessionId: string): void;
}

