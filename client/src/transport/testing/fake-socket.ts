import { decodeMessage, encodeMessage } from '../../../../shared/protocol/codec.ts';
import { MessageType, type ClientMessage, type ServerMessage } from '../../../../shared/protocol/messages.ts';
import type { SocketLike } from '../socket-like.ts';

/** A WebSocket stand-in the test drives as the server: it sees decoded client messages. */
export class FakeSocket implements SocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  readonly received: ClientMessage[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  constructor(readonly url: string) {}

  send(data: ArrayBufferView | ArrayBuffer): void {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const decoded = decodeMessage(bytes);
    if (!decoded.ok) throw new Error(`client sent an invalid frame: ${decoded.message}`);
    this.received.push(decoded.message as ClientMessage);
  }

  close(code = 1000, reason = ''): void {
    this.serverClose(code, reason);
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.({} as Event);
  }

  reply(message: ServerMessage): void {
    const bytes = encodeMessage(message);
    this.onmessage?.({ data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) } as MessageEvent);
  }

  serverClose(code: number, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({ code, reason } as CloseEvent);
  }
}

/**
 * Plays a healthy ingest server on `socket`: opens, welcomes with `committedSeq`, acks each
 * batch at once, answers end with ended.
 */
export function serveHealthy(socket: FakeSocket, committedSeq = 0): void {
  const send = socket.send.bind(socket);
  let acked = committedSeq;
  socket.send = (data) => {
    send(data);
    const message = socket.received.at(-1)!;
    queueMicrotask(() => {
      if (message.t === MessageType.Hello) {
        socket.reply({ t: MessageType.Welcome, v: 1, sessionId: message.sessionId, committedSeq, serverId: 'fake', maxEventsPerBatch: 512, maxFrameBytes: 65536, framesPerSecond: 200, frameBurst: 400 });
      } else if (message.t === MessageType.Batch) {
        acked = message.seq;
        socket.reply({ t: MessageType.Ack, seq: acked });
      } else if (message.t === MessageType.End) {
        socket.reply({ t: MessageType.Ended, committedSeq: acked });
        socket.serverClose(1000);
      }
    });
  };
  queueMicrotask(() => socket.open());
}
