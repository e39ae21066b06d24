// One typist over Socket.IO (msgpack parser): each protocol message is an event named after
// its type ('hello', 'batch', 'end'), answered through the acknowledgement callback, and the
// server emits 'welcome', 'ended', 'error', 'throttle' as events (PROTOCOL.md section 8).
//   LOADTEST_TOKEN=... SIDECAR_URL=http://127.0.0.1:8080 node examples/load/socketio-typist.mjs
import { io } from 'socket.io-client';
import msgpackParser from 'socket.io-msgpack-parser';
import { newSession, typedBatches, verifyAndClean } from './common.mjs';

const session = await newSession();
const batches = typedBatches();
const sent = batches.reduce((n, b) => n + b.length, 0);
const base = session.ingestUrl.replace(/^ws/, 'http').replace(/\/ws$/, '');
const socket = io(base, { path: '/socket.io/', parser: msgpackParser, query: { ticket: session.ticket }, transports: ['websocket'], reconnection: false });

let ending = false;
const onAnswer = (m) => {
  if (!m) return;
  if (m.t === 2) batches.forEach((events, i) => socket.emit('batch', { t: 3, seq: i + 1, events }, onAnswer)); // welcome
  // Acks are cumulative and may arrive more than once (an answer and a later commit): end once.
  else if (m.t === 4 && m.seq >= batches.length && !ending) {
    ending = true;
    socket.emit('end', { t: 7, seq: batches.length }, onAnswer);
  }
  else if (m.t === 8) { // ended
    socket.disconnect();
    void verifyAndClean(session.sessionId, sent);
  } else if (m.t === 5) console.error(`server error ${m.code}: ${m.message}`);
};
for (const name of ['welcome', 'ended', 'error', 'throttle']) socket.on(name, onAnswer);
socket.on('connect', () => socket.emit('hello', { t: 1, v: 1, sessionId: session.sessionId, lastAckedSeq: 0, client: 'example-socketio' }, onAnswer));
socket.on('connect_error', (error) => {
  console.error(`cannot connect: ${error.message}`);
  process.exit(1);
});
