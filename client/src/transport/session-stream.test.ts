import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageType } from '../../../shared/protocol/messages.ts';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { MemoryOutboxStore } from './memory-outbox-store.ts';
import type { OutboxBatch, OutboxSession } from './outbox-types.ts';
import { SessionStream, type StreamStatus } from './session-stream.ts';
import { StreamRefusal, type StreamApi } from './stream-api.ts';
import { FakeSocket } from './testing/fake-socket.ts';

const SERVER_ID = '11111111-2222-4333-8444-555555555555';
const event = (i: number): KeyEvent => ({ type: (i % 2) as 0 | 1, code: 'KeyA', key: 'a', offsetUs: i * 1000, textPos: i >> 1, isError: false, flags: 0 });
const batch = (seq: number): OutboxBatch => ({ localId: 'local-1', seq, events: [event(seq * 2), event(seq * 2 + 1)] });
const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

function harness(options: { serverId?: string | null; lastSeq?: number; finished?: boolean; api?: Partial<StreamApi> } = {}) {
  const store = new MemoryOutboxStore();
  const sockets: FakeSocket[] = [];
  const statuses: StreamStatus[] = [];
  const calls: string[] = [];
  const session: OutboxSession = {
    localId: 'local-1', userId: 'u', serverId: options.serverId === undefined ? SERVER_ID : options.serverId, lastSeq: options.lastSeq ?? 0,
    finished: options.finished ?? false, createdAt: 0, failure: null,
    create: { mode: 'custom', config: {}, practiceText: 'aaa', wordSetId: null, keyboardLayout: 'qwerty-us' },
  };
  const api: StreamApi = {
    createSession: async () => (calls.push('create'), { serverId: SERVER_ID, ticket: 't0', ingestUrl: 'ws://ingest/ws' }),
    ticket: async () => (calls.push('ticket'), { ticket: `t${calls.length}`, ingestUrl: 'ws://ingest/ws' }),
    committedSeq: async () => ({ committedSeq: 0, ended: false }),
    ...options.api,
  };
  const make = (batches: OutboxBatch[]) =>
    new SessionStream(session, batches, {
      store, api, random: () => 0, ackTimeoutMs: 60_000, heartbeat: false,
      openSocket: (url) => {
        const socket = new FakeSocket(url);
        sockets.push(socket);
        return socket;
      },
      onStatus: (s) => statuses.push(s),
    });
  return { store, sockets, statuses, calls, session, make };
}

const sentSeqs = (socket: FakeSocket) => socket.received.filter((m) => m.t === MessageType.Batch).map((m) => (m as { seq: number }).seq);

test('a new session is created, greeted, streamed, acked, ended and forgotten', async () => {
  const h = harness({ serverId: null });
  await h.store.putSession(h.session);
  const stream = h.make([]);
  await tick();
  assert.equal(h.calls, ['create']);
  const socket = h.sockets[0]!;
  assert.ok(socket.url.endsWith('?ticket=t0'));
  socket.open();
  assert.equal(socket.received[0], { t: MessageType.Hello, v: 1, sessionId: SERVER_ID, lastAckedSeq: 0, client: 'fingerflow-web/1' });
  socket.reply({ t: MessageType.Welcome, v: 1, sessionId: SERVER_ID, committedSeq: 0, serverId: 's', maxEventsPerBatch: 512, maxFrameBytes: 65536, framesPerSecond: 200, frameBurst: 400 });
  for (const seq of [1, 2]) {
    h.session.lastSeq = seq;
    await h.store.putBatch(batch(seq));
    stream.push(batch(seq));
  }
  assert.equal(sentSeqs(socket), [1, 2]);
  socket.reply({ t: MessageType.Ack, seq: 2 });
  await tick();
  assert.equal(await h.store.batches('local-1'), []);
  h.session.finished = true;
  stream.finish();
  assert.equal(socket.received.at(-1), { t: MessageType.End, seq: 2 });
  socket.reply({ t: MessageType.Ended, committedSeq: 2 });
  assert.is(await stream.done, 'ended');
  assert.equal(await h.store.sessions(), []);
});

test('after a transient close: fresh ticket, what welcome covers is dropped, the rest resent in order', async () => {
  const h = harness({ lastSeq: 3 });
  const batches = [batch(1), batch(2), batch(3)];
  for (const b of batches) await h.store.putBatch(b);
  const stream = h.make(batches);
  await tick();
  const first = h.sockets[0]!;
  first.open();
  first.reply({ t: MessageType.Welcome, v: 1, sessionId: SERVER_ID, committedSeq: 0, serverId: 's', maxEventsPerBatch: 512, maxFrameBytes: 65536, framesPerSecond: 200, frameBurst: 400 });
  assert.equal(sentSeqs(first), [1, 2, 3]);
  first.reply({ t: MessageType.Ack, seq: 1 });
  first.serverClose(4000, 'SERVER_SHUTDOWN');
  await tick(200); // backoff: 125 ms with random() = 0
  assert.equal(h.calls, ['ticket', 'ticket'], 'a fresh ticket for every connection');
  const second = h.sockets[1]!;
  second.open();
  assert.equal(second.received[0], { t: MessageType.Hello, v: 1, sessionId: SERVER_ID, lastAckedSeq: 1, client: 'fingerflow-web/1' });
  assert.equal(sentSeqs(second), [2, 3], 'a pipelined hello: the unacked batches follow hello at once');
  // Batch 2 was committed before the close, its ack lost: the server says so in welcome.
  second.reply({ t: MessageType.Welcome, v: 1, sessionId: SERVER_ID, committedSeq: 2, serverId: 's', maxEventsPerBatch: 512, maxFrameBytes: 65536, framesPerSecond: 200, frameBurst: 400 });
  assert.equal(sentSeqs(second), [2, 3], 'nothing is sent twice on one connection');
  assert.equal((await h.store.batches('local-1')).map((b) => b.seq), [3]);
  stream.stop();
  assert.is(await stream.done, 'stopped');
});

test('a permanent close code stops without reconnecting and keeps the outbox', async () => {
  const h = harness({ lastSeq: 1 });
  await h.store.putBatch(batch(1));
  const stream = h.make([batch(1)]);
  await tick();
  h.sockets[0]!.open();
  h.sockets[0]!.reply({ t: MessageType.Error, code: 'SESSION_FORBIDDEN', message: 'not yours', seq: 0 });
  h.sockets[0]!.serverClose(4105, 'SESSION_FORBIDDEN');
  assert.is(await stream.done, 'failed');
  assert.is(h.sockets.length, 1);
  assert.equal((await h.store.batches('local-1')).map((b) => b.seq), [1]);
  assert.match((await h.store.sessions())[0]!.failure ?? '', /4105/);
  assert.match(h.statuses.at(-1)!.reason ?? '', /4105/);
});

test('a ticket refused because the session ended settles by the stored committed seq', async () => {
  const h = harness({
    lastSeq: 2, finished: true,
    api: {
      ticket: async () => { throw new StreamRefusal(409, 'SESSION_ENDED', 'ended'); },
      committedSeq: async () => ({ committedSeq: 2, ended: true }),
    },
  });
  await h.store.putBatch(batch(2));
  const stream = h.make([batch(2)]);
  assert.is(await stream.done, 'ended');
  assert.equal(await h.store.sessions(), []);
});

test('a batch missing from the outbox is reported, not papered over', async () => {
  const h = harness({ lastSeq: 3, finished: true });
  const stream = h.make([batch(1), batch(3)]);
  await tick();
  h.sockets[0]!.open();
  h.sockets[0]!.reply({ t: MessageType.Welcome, v: 1, sessionId: SERVER_ID, committedSeq: 0, serverId: 's', maxEventsPerBatch: 512, maxFrameBytes: 65536, framesPerSecond: 200, frameBurst: 400 });
  assert.is(await stream.done, 'failed');
  assert.equal(sentSeqs(h.sockets[0]!), [1], 'batch 3 is never sent after a gap');
  assert.match(h.statuses.at(-1)!.reason ?? '', /batch 2/);
});

test.run();
