import type { OutboxStore } from './outbox-types.ts';
import type { OpenSocket } from './socket-like.ts';
import type { StreamApi } from './stream-api.ts';

/** Where one session's stream stands, as the page shows it, and what a stream is built from. */
export type StreamPhase = 'starting' | 'connecting' | 'streaming' | 'waiting' | 'ended' | 'failed' | 'stopped';

export interface StreamStatus {
  localId: string;
  phase: StreamPhase;
  /** Batches cut but not acknowledged. */
  unackedBatches: number;
  unackedEvents: number;
  /** performance.now() of the next attempt while waiting. */
  retryAtMs: number | null;
  /** Close code or refusal that caused the wait or the failure. */
  reason: string | null;
}

export interface StreamDeps {
  store: OutboxStore;
  api: StreamApi;
  openSocket: OpenSocket;
  onStatus(status: StreamStatus): void;
  random?: () => number;
  /** Close and reconnect when sent batches see no ack for this long (a half-open connection). */
  ackTimeoutMs?: number;
  clientName?: string;
  /** Ping a silent server and give the connection up after 5 s of silence (default on). */
  heartbeat?: boolean;
}
