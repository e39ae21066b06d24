import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import type { ServerMessage } from '../../../shared/protocol/messages.ts';
import type { ErrorCode } from '../../../shared/protocol/codes.ts';
import type { StreamStart } from './stream-guard.ts';

/** What a connection learns about its session when it says hello. */
export type ClaimResult =
  | ({ ok: true; committedSeq: number } & StreamStart)
  | { ok: false; code: 'UNKNOWN_SESSION' | 'SESSION_FORBIDDEN' | 'SESSION_ENDED' | 'DATABASE_UNAVAILABLE'; committedSeq: number };

export type EndResult = { ok: true; committedSeq: number } | { ok: false; code: 'DATABASE_UNAVAILABLE' | 'SESSION_TAKEN_OVER' | 'SERVER_SHUTDOWN'; committedSeq: number };

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
  /** Protocol events an operator should see in the logs (the adapter logs and counts them). */
  report?(event: ProtocolReport): void;
}

/**
 * What the core reports besides messages: a resend whose content differs from the batch
 * first received under that seq, a hello whose lastAckedSeq is beyond what was stored
 * (acknowledged data lost, PROTOCOL.md §4), and every refusal of the client's input.
 */
export type ProtocolReport =
  | { kind: 'seq_conflict'; sessionId: string; seq: number }
  | { kind: 'acked_data_lost'; sessionId: string; lastAckedSeq: number; committedSeq: number }
  | { kind: 'violation'; sessionId: string; code: ErrorCode; message: string };

/** Who the upgrade's ticket says is connecting. */
export interface ConnectionIdentity {
  connectionId: string;
  userId: string;
  sessionId: string;
  audience: 'ingest' | 'watch';
}
