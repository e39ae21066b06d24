import { shouldReconnect } from '../../../shared/protocol/codes.ts';
import { decodeMessage, encodeMessage } from '../../../shared/protocol/codec.ts';
import { MessageType, TypistState, type StatsMessage } from '../../../shared/protocol/messages.ts';
import { backoffDelayMs } from '../transport/backoff.ts';

/** live: the typist is connected ("watching"); offline: they dropped; ended: final figures. */
export type WatchStatus = 'connecting' | 'watching' | 'offline' | 'ended' | 'reconnecting' | 'failed';

/**
 * A spectator's connection to the ingest server: opens the socket with the watch ticket,
 * says `watch`, keeps the last `stats` (one a second while the typist types) and follows the
 * server's `presence` (PROTOCOL.md §4.1): typist connected, typist offline, session ended
 * (with its final figures, also for a viewer who arrives after the end). A dropped connection
 * is reopened with backoff; the watch ticket lives long enough for that. Only a permanent
 * close code (a ticket for another session...) or the end of the session stop it.
 */
export class WatchConnection {
  status = $state<WatchStatus>('connecting');
  stats = $state.raw<StatsMessage | null>(null);
  /** Seconds the figures were updated, for "updated n s ago". */
  updates = $state(0);
  problem = $state<string | null>(null);
  private socket: WebSocket | null = null;
  private stopped = false;
  private attempt = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly ingestUrl: string, private readonly sessionId: string, private readonly ticket: string) {}

  open(): () => void {
    this.connect();
    return () => {
      this.stopped = true;
      if (this.retry !== null) clearTimeout(this.retry);
      this.socket?.close(1000);
    };
  }

  private connect(): void {
    const url = new URL(this.ingestUrl, location.href);
    url.searchParams.set('ticket', this.ticket);
    const socket = new WebSocket(url);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => socket.send(encodeMessage({ t: MessageType.Watch, sessionId: this.sessionId }));
    socket.onmessage = (event) => {
      const decoded = decodeMessage(new Uint8Array(event.data as ArrayBuffer));
      if (!decoded.ok) return void (this.problem = decoded.message);
      const message = decoded.message;
      if (message.t === MessageType.Stats) {
        this.stats = message;
        this.updates++;
        // Figures flow only while someone types (a typist on another ingest process, too).
        if (this.status !== 'ended') this.status = 'watching';
        this.attempt = 0;
      } else if (message.t === MessageType.Presence) {
        this.attempt = 0;
        this.problem = null;
        this.status = message.typist === TypistState.Live ? 'watching' : message.typist === TypistState.Offline ? 'offline' : 'ended';
        if (this.status === 'ended') socket.close(1000, 'session ended');
      } else if (message.t === MessageType.Error) {
        this.problem = `${message.code}: ${message.message}`;
      }
    };
    socket.onclose = (event) => {
      if (this.socket === socket) this.socket = null;
      if (this.stopped || this.status === 'ended') return;
      if (event.code !== 1006 && !shouldReconnect(event.code)) {
        this.status = 'failed';
        this.problem ??= `the connection closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`;
        return;
      }
      this.status = 'reconnecting';
      this.retry = setTimeout(() => {
        this.retry = null;
        if (!this.stopped) this.connect();
      }, backoffDelayMs(this.attempt++, Math.random, 500, 10_000));
    };
    this.socket = socket;
  }
}
