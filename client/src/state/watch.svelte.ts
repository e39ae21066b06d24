import { decodeMessage, encodeMessage } from '../../../shared/protocol/codec.ts';
import { MessageType, type StatsMessage } from '../../../shared/protocol/messages.ts';

export type WatchStatus = 'connecting' | 'watching' | 'closed' | 'failed';

/**
 * A spectator's connection to the ingest server: opens the socket with the watch ticket,
 * says `watch`, and keeps the last `stats` (one a second). The ticket is single-use for
 * this purpose and lives two minutes, so a dropped connection is reported, not retried.
 */
export class WatchConnection {
  status = $state<WatchStatus>('connecting');
  stats = $state.raw<StatsMessage | null>(null);
  /** Seconds the figures were updated, for "updated n s ago". */
  updates = $state(0);
  problem = $state<string | null>(null);
  private socket: WebSocket | null = null;

  constructor(private readonly ingestUrl: string, private readonly sessionId: string, private readonly ticket: string) {}

  open(): () => void {
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
        this.status = 'watching';
        this.stats = message;
        this.updates++;
      } else if (message.t === MessageType.Error) {
        this.problem = `${message.code}: ${message.message}`;
      }
    };
    socket.onclose = (event) => {
      this.status = this.status === 'watching' && event.code < 4100 ? 'closed' : 'failed';
      this.problem ??= event.code === 1000 || event.code === 1001 ? null : `the connection closed (${event.code}${event.reason ? ` ${event.reason}` : ''})`;
    };
    this.socket = socket;
    return () => socket.close(1000);
  }
}
