import type { KeyEvent } from '../../shared/protocol/key-event.ts';
import type { ServerMessage } from '../../shared/protocol/messages.ts';

/** What a connection learns about its session when it says hello. */
export type ClaimResult =
  | { ok: true; committedSeq: number }
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
}

/** Who the upgrade's ticket says is connecting. */
export interface ConnectionIdentity {
  connectionId: string;
  userId: string;
  sessionId: string;
  audience: 'ingest' | 'watch';
}
