import WebSocket from 'ws';
import { io } from 'socket.io-client';
import msgpackParser from 'socket.io-msgpack-parser';
import { closeCodeFor, isErrorCode } from '../../shared/protocol/codes.ts';
import { decodeMessage, encodeMessage } from '../../shared/protocol/codec.ts';
import { MESSAGE_NAMES, MessageType, type ClientMessage, type ServerMessage } from '../../shared/protocol/messages.ts';

export type Transport = 'ws' | 'socketio';

/** One connection of a load client, whatever carries it. */
export interface Connection {
  send(message: ClientMessage): void;
  close(): void;
}

export interface ConnectionEvents {
  message(message: ServerMessage): void;
  closed(code: number): void;
}

const LIMITS = { maxFrameBytes: 1 << 20, maxEventsPerBatch: 100_000, maxDepth: 4, maxValues: 1 << 22 };

export function connect(transport: Transport, ingestUrl: string, ticket: string, events: ConnectionEvents): Promise<Connection> {
  return transport === 'ws' ? connectWs(ingestUrl, ticket, events) : connectSocketIo(ingestUrl, ticket, events);
}

function connectWs(ingestUrl: string, ticket: string, events: ConnectionEvents): Promise<Connection> {
  const ws = new WebSocket(`${ingestUrl}${ingestUrl.includes('?') ? '&' : '?'}ticket=${encodeURIComponent(ticket)}`, { perMessageDeflate: false });
  ws.binaryType = 'nodebuffer';
  return new Promise((resolve, reject) => {
    let opened = false;
    ws.on('message', (data: Buffer) => {
      const decoded = decodeMessage(new Uint8Array(data), LIMITS);
      if (decoded.ok) events.message(decoded.message as ServerMessage);
    });
    ws.on('close', (code) => (opened ? events.closed(code) : reject(new Error(`connection closed before it opened (${code})`))));
    ws.on('error', (error) => {
      if (!opened) reject(error);
    });
    ws.on('open', () => {
      opened = true;
      resolve({ send: (m) => ws.readyState === WebSocket.OPEN && ws.send(encodeMessage(m)), close: () => ws.close() });
    });
  });
}

/**
 * Socket.IO has no close codes: the server emits `error` before it disconnects, and the
 * close code of that error decides about reconnecting, as PROTOCOL.md section 8 says.
 */
function connectSocketIo(ingestUrl: string, ticket: string, events: ConnectionEvents): Promise<Connection> {
  const base = ingestUrl.replace(/^ws/, 'http').replace(/\/ws$/, '');
  const socket = io(base, { path: '/socket.io/', parser: msgpackParser, query: { ticket }, transports: ['websocket'], reconnection: false, forceNew: true });
  let lastError: string | undefined;
  const deliver = (message: ServerMessage | null) => {
    if (!message) return;
    if (message.t === MessageType.Error) lastError = message.code;
    events.message(message);
  };
  for (const name of ['stats', 'throttle', 'error', 'welcome', 'ended'] as const) socket.on(name, deliver);
  return new Promise((resolve, reject) => {
    let opened = false;
    socket.on('disconnect', () => events.closed(lastError && isErrorCode(lastError) ? closeCodeFor(lastError) : 1006));
    socket.once('connect_error', (error) => {
      if (!opened) reject(error);
    });
    socket.once('connect', () => {
      opened = true;
      resolve({
        send: (m) => socket.emit(MESSAGE_NAMES[m.t], m, deliver),
        close: () => socket.disconnect(),
      });
    });
  });
}
