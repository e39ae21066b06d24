import WebSocket from 'ws';
import { decodeMessage, encodeMessage } from '../../../shared/protocol/codec.ts';
import type { Message, ServerMessage } from '../../../shared/protocol/messages.ts';

export interface TestSocket {
  ws: WebSocket;
  received: ServerMessage[];
  send(message: Message): void;
  sendRaw(bytes: Uint8Array | string): void;
  /** The first received message (already or later) matching `predicate`. */
  next<T extends ServerMessage>(predicate: (m: ServerMessage) => m is T, ms?: number): Promise<T>;
  next(predicate: (m: ServerMessage) => boolean, ms?: number): Promise<ServerMessage>;
  closed: Promise<{ code: number; reason: string }>;
}

/** A raw protocol client on the `ws` package, recording everything the server sends. */
export function openSocket(url: string, ticket: string | undefined, options: { origin?: string } = {}): Promise<TestSocket> {
  const target = ticket === undefined ? `${url}/ws` : `${url}/ws?ticket=${encodeURIComponent(ticket)}`;
  const ws = new WebSocket(target, { origin: options.origin, perMessageDeflate: false });
  ws.binaryType = 'nodebuffer';
  const received: ServerMessage[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data: Buffer) => {
    const decoded = decodeMessage(new Uint8Array(data), { maxFrameBytes: 1 << 20, maxEventsPerBatch: 100_000, maxDepth: 4, maxValues: 1 << 22 });
    if (decoded.ok) received.push(decoded.message as ServerMessage);
    for (const w of waiters.splice(0)) w();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => {
    resolve({ code, reason: reason.toString() });
    for (const w of waiters.splice(0)) w();
  }));
  const socket: TestSocket = {
    ws,
    received,
    send: (message) => ws.send(encodeMessage(message)),
    sendRaw: (bytes) => ws.send(bytes),
    next: ((predicate: (m: ServerMessage) => boolean, ms = 5000) =>
      new Promise<ServerMessage>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching message within ${ms} ms; got ${JSON.stringify(received.map((m) => m.t))}`)), ms);
        const check = () => {
          const found = received.find(predicate);
          if (found) {
            clearTimeout(timer);
            resolve(found);
          } else if (ws.readyState === WebSocket.CLOSED) {
            clearTimeout(timer);
            reject(new Error(`socket closed before a matching message; got ${JSON.stringify(received)}`));
          } else waiters.push(check);
        };
        check();
      })),
    closed,
  };
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(socket));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode} ${body}`), { status: res.statusCode, body })));
    });
    ws.once('error', reject);
  });
}
