// The same protocol through Socket.IO (socket.io-client + msgpack parser), with acks as callbacks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { io, type Socket } from 'socket.io-client';
import msgpackParser from 'socket.io-msgpack-parser';
import { MessageType } from '../../shared/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { createSession, makeEvents, startTestIngest, storedCount, ticketFor } from './support/ingest-fixtures.ts';
import type { IngestServer } from '../bin/ingest-wiring.ts';

let db: TestDatabase;
let ingest: { server: IngestServer; url: string };
const sockets: Socket[] = [];

function connect(ticket: string, transports: string[] = ['websocket']): Promise<Socket> {
  const socket = io(ingest.url.replace('ws://', 'http://'), { path: '/socket.io/', parser: msgpackParser, query: { ticket }, transports, reconnection: false, forceNew: true });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const call = <T>(socket: Socket, event: string, message: unknown): Promise<T> => socket.timeout(5000).emitWithAck(event, message) as Promise<T>;

test.before(async () => {
  db = await freshDatabase();
  ingest = await startTestIngest(db.url, db.pool);
});

test.after(async () => {
  for (const s of sockets) s.disconnect();
  await ingest.server.drain();
  await db.drop();
});

for (const transports of [['websocket'], ['polling']]) {
  test(`hello, batches and end answer through ack callbacks (${transports[0]})`, async () => {
    const ids = await createSession(db.pool);
    const socket = await connect(ticketFor(ids), transports);
    const welcome = await call<{ t: number; committedSeq: number }>(socket, 'hello', { t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: ids.sessionId, lastAckedSeq: 0, client: 'sio-test' });
    assert.is(welcome.t, MessageType.Welcome);
    assert.is(welcome.committedSeq, 0);
    const acks = await Promise.all([1, 2, 3].map((seq) => call<{ t: number; seq: number }>(socket, 'batch', { t: MessageType.Batch, seq, events: makeEvents(10, seq * 1_000_000) })));
    for (const [i, ack] of acks.entries()) {
      assert.is(ack.t, MessageType.Ack);
      assert.ok(ack.seq >= i + 1);
    }
    const resend = await call<{ t: number; seq: number }>(socket, 'batch', { t: MessageType.Batch, seq: 2, events: makeEvents(10, 2_000_000) });
    assert.equal(resend, { t: MessageType.Ack, seq: 3 });
    assert.is(await storedCount(db.pool, ids.sessionId), 30);
    const ended = await call<{ t: number; committedSeq: number }>(socket, 'end', { t: MessageType.End, seq: 3 });
    assert.equal(ended, { t: MessageType.Ended, committedSeq: 3 });
  });
}

test('invalid messages get the error in the callback, then a disconnect', async () => {
  const ids = await createSession(db.pool);
  const socket = await connect(ticketFor(ids));
  const disconnected = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));
  const reply = await call<{ t: number; code: string }>(socket, 'batch', { t: MessageType.Batch, seq: 1, events: makeEvents(2) });
  assert.is(reply.code, 'HELLO_REQUIRED');
  await disconnected;
  const other = await connect(ticketFor(await createSession(db.pool)));
  const bad = await call<{ code: string }>(other, 'hello', { t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: 'not-a-uuid', lastAckedSeq: 0, client: '', extra: 1 });
  assert.is(bad.code, 'INVALID_MESSAGE');
});

test('a connection without a valid ticket is refused with a code', async () => {
  try {
    await connect('bogus');
    assert.unreachable('connected without a ticket');
  } catch (error) {
    assert.is((error as { data?: { code?: string } }).data?.code, 'TICKET_INVALID');
  }
});

test.run();
