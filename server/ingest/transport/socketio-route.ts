import type uWS from 'uWebSockets.js';
import { Server, type Socket } from 'socket.io';
import msgpackParser from 'socket.io-msgpack-parser';
import { MessageType, type ServerMessage } from '../../../shared/protocol/messages.ts';
import { IngestConnection } from '../core/ingest-connection.ts';
import type { ConnectionIdentity } from '../core/ports.ts';
import { countOutgoing, type WsRouteDeps } from './ws-route.ts';
import { clientAddress } from './connection-caps.ts';

/** Socket.IO needs what the raw WebSocket route needs. */
export type SocketIoRouteDeps = WsRouteDeps;

type Reply = (message: ServerMessage | null) => void;
const TRANSPORT = 'socketio';

/**
 * The same protocol through Socket.IO on the same uWS app, for scripted clients built on
 * socket.io-client. Client messages arrive as events with ack callbacks; a callback gets the
 * reply the raw protocol would send (welcome, the cumulative ack after COMMIT, ended, or the
 * error). The pure IngestConnection behind it is the same one the raw WebSocket uses.
 */
export function attachSocketIo(app: uWS.TemplatedApp, deps: SocketIoRouteDeps): Server {
  const io = new Server({
    parser: msgpackParser,
    path: '/socket.io/',
    serveClient: false,
    maxHttpBufferSize: deps.limits.maxFrameBytes * 2,
    transports: ['websocket', 'polling'],
    perMessageDeflate: false,
    httpCompression: false,
  });
  io.attachApp(app);

  io.use((socket, next) => {
    const ticket = firstString(socket.handshake.query.ticket) ?? firstString((socket.handshake.auth as { ticket?: unknown }).ticket);
    const decision = deps.gate.admit(socket.handshake.headers.origin ?? '', ticket);
    if (!decision.ok) {
      deps.metrics.upgradeRefused(decision.code);
      const error = new Error(decision.message) as Error & { data?: unknown };
      error.data = { code: decision.code };
      next(error);
      return;
    }
    const forwarded = socket.handshake.headers['x-forwarded-for'];
    const address = clientAddress(socket.handshake.address, typeof forwarded === 'string' ? forwarded : '', deps.trustedProxies);
    const slot = deps.caps.acquire(ticket ?? '', decision.identity.userId, address);
    if (!slot.ok) {
      deps.capRefused(slot.cap);
      next(Object.assign(new Error(slot.message), { data: { code: 'TOO_MANY_CONNECTIONS' } }));
      return;
    }
    (socket.data as { identity?: ConnectionIdentity; releaseCaps?: () => void }).identity = decision.identity;
    (socket.data as { releaseCaps?: () => void }).releaseCaps = slot.release;
    // A handshake that never becomes a connection must not keep its slots.
    socket.conn.once('close', slot.release);
    next();
  });

  io.on('connection', (socket) => serve(socket, deps));
  return io;
}

function serve(socket: Socket, deps: SocketIoRouteDeps): void {
  const identity = (socket.data as { identity: ConnectionIdentity }).identity;
  const batchReplies = new Map<number, Reply[]>();
  let helloReply: Reply | undefined;
  let endReply: Reply | undefined;
  let pongReply: Reply | undefined;
  let ackedSeq = 0;
  let failure: ServerMessage | undefined;
  let closed = false;

  const send = (message: ServerMessage) => {
    if (closed) return;
    countOutgoing(deps.metrics, message);
    switch (message.t) {
      case MessageType.Welcome:
        return take(() => helloReply, (r) => (helloReply = r))?.(message) ?? void socket.emit('welcome', message);
      case MessageType.Ack:
        ackedSeq = Math.max(ackedSeq, message.seq);
        for (const [seq, replies] of batchReplies) {
          if (seq > message.seq) continue;
          batchReplies.delete(seq);
          for (const reply of replies) reply(message);
        }
        return;
      case MessageType.Ended:
        return take(() => endReply, (r) => (endReply = r))?.(message) ?? void socket.emit('ended', message);
      case MessageType.Error:
        failure = message;
        for (const replies of batchReplies.values()) for (const reply of replies) reply(message);
        batchReplies.clear();
        take(() => helloReply, (r) => (helloReply = r))?.(message);
        take(() => endReply, (r) => (endReply = r))?.(message);
        socket.emit('error', message);
        return;
      case MessageType.Stats:
        return void socket.emit('stats', message);
      case MessageType.Throttle:
        return void socket.emit('throttle', message);
      case MessageType.Pong:
        return take(() => pongReply, (r) => (pongReply = r))?.(message) ?? void socket.emit('pong', message);
      case MessageType.Presence:
        return void socket.emit('presence', message);
    }
  };
  const close = () => {
    if (closed) return;
    closed = true;
    // Let the error (or ended) packet go out before the disconnect packet.
    setImmediate(() => socket.disconnect(true));
  };

  const connection = new IngestConnection(identity, { ...deps.portsFor(identity), send, close }, deps.limits);
  deps.hub.add(connection, send);
  deps.metrics.connectionOpened(TRANSPORT);

  socket.on('hello', (message: unknown, reply?: Reply) => {
    deps.metrics.frameReceived(TRANSPORT);
    helloReply = typeof reply === 'function' ? reply : undefined;
    connection.receiveMessage(message);
  });
  socket.on('batch', (message: unknown, reply?: Reply) => {
    deps.metrics.frameReceived(TRANSPORT);
    connection.receiveMessage(message);
    if (typeof reply !== 'function') return;
    const seq = (message as { seq?: unknown } | null)?.seq;
    if (failure) return reply(failure);
    if (typeof seq !== 'number') return;
    if (seq <= ackedSeq) return reply({ t: MessageType.Ack, seq: ackedSeq });
    const list = batchReplies.get(seq) ?? [];
    list.push(reply);
    batchReplies.set(seq, list);
  });
  socket.on('end', (message: unknown, reply?: Reply) => {
    deps.metrics.frameReceived(TRANSPORT);
    endReply = typeof reply === 'function' ? reply : undefined;
    connection.receiveMessage(message);
  });
  socket.on('ping', (message: unknown, reply?: Reply) => {
    deps.metrics.frameReceived(TRANSPORT);
    pongReply = typeof reply === 'function' ? reply : undefined;
    connection.receiveMessage(message);
  });
  socket.on('watch', (message: unknown, reply?: Reply) => {
    deps.metrics.frameReceived(TRANSPORT);
    connection.receiveMessage(message);
    if (typeof reply === 'function') reply(failure ?? null);
  });
  socket.on('disconnect', () => {
    closed = true;
    (socket.data as { releaseCaps?: () => void }).releaseCaps?.();
    connection.closed();
    deps.hub.remove(identity.connectionId);
    deps.metrics.connectionClosed(TRANSPORT);
  });
}

/** Reads and clears a one-shot reply slot. */
function take(get: () => Reply | undefined, set: (r: Reply | undefined) => void): Reply | undefined {
  const reply = get();
  set(undefined);
  return reply;
}

function firstString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return undefined;
}
