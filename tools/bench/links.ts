import http from 'node:http';
import WebSocket from 'ws';
import { io } from 'socket.io-client';
import msgpackParser from 'socket.io-msgpack-parser';
import { decodeMessage, encodeMessage } from '../../shared/protocol/codec.ts';
import { MessageType, type ServerMessage } from '../../shared/protocol/messages.ts';
import type { SharedBatch } from './shared-batches.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';

export type LinkKind = 'ws' | 'socketio' | 'http';

/** One benchmark client's connection: send a batch, hear its (cumulative) ack. */
export interface BenchLink {
  sendBatch(batch: SharedBatch): void;
  close(): void;
}

const LIMITS = { maxFrameBytes: 1 << 20, maxEventsPerBatch: 100_000, maxDepth: 4, maxValues: 1 << 22 };
// The baseline's clients share keep-alive connections, as browsers posting batches would.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export function openLink(kind: LinkKind, url: string, session: { sessionId: string; ticket: string }, onAck: (seq: number) => void): Promise<BenchLink> {
  if (kind === 'ws') return openWs(url, session, onAck);
  if (kind === 'socketio') return openSocketIo(url, session, onAck);
  return Promise.resolve(openHttp(url, session.sessionId, onAck));
}

function openWs(url: string, session: { sessionId: string; ticket: string }, onAck: (seq: number) => void): Promise<BenchLink> {
  const ws = new WebSocket(`${url}/ws?ticket=${encodeURIComponent(session.ticket)}`, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    const link: BenchLink = { sendBatch: (batch) => ws.send(batch.frame), close: () => ws.close() };
    ws.on('message', (data: Buffer) => {
      const decoded = decodeMessage(new Uint8Array(data), LIMITS);
      if (!decoded.ok) return;
      if (decoded.message.t === MessageType.Welcome) resolve(link);
      if (decoded.message.t === MessageType.Ack) onAck(decoded.message.seq);
    });
    ws.once('open', () => ws.send(encodeMessage({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: session.sessionId, lastAckedSeq: 0, client: 'bench' })));
    ws.once('error', reject);
  });
}

function openSocketIo(url: string, session: { sessionId: string; ticket: string }, onAck: (seq: number) => void): Promise<BenchLink> {
  const socket = io(url.replace(/^ws/, 'http'), { path: '/socket.io/', parser: msgpackParser, query: { ticket: session.ticket }, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect_error', reject);
    socket.once('connect', () => {
      socket.emit('hello', { t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: session.sessionId, lastAckedSeq: 0, client: 'bench' }, (reply: ServerMessage) => {
        if (reply.t !== MessageType.Welcome) return reject(new Error(`hello refused: ${JSON.stringify(reply)}`));
        resolve({
          sendBatch: ({ seq, events }) => socket.emit('batch', { t: MessageType.Batch, seq, events }, (ack: ServerMessage) => ack.t === MessageType.Ack && onAck(ack.seq)),
          close: () => socket.disconnect(),
        });
      });
    });
  });
}

/** The original design: each batch an HTTP POST of JSON, acknowledged by the 200. */
function openHttp(url: string, sessionId: string, onAck: (seq: number) => void): BenchLink {
  const target = new URL('/batches', url.replace(/^ws/, 'http'));
  return {
    sendBatch({ seq, eventsJson }) {
      const body = `{"sessionId":${JSON.stringify(sessionId)},"seq":${seq},"events":${eventsJson}}`;
      const request = http.request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
        response.resume();
        response.on('end', () => response.statusCode === 200 && onAck(seq));
      });
      request.on('error', () => undefined);
      request.end(body);
    },
    close: () => undefined,
  };
}
