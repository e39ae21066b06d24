// The ingest server end to end over real sockets and a real PostgreSQL: round trip,
// exactly-once through resends and reconnects, two processes on one database, every refusal.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageType, type AckMessage, type ErrorMessage, type ServerMessage, type WelcomeMessage } from '../../shared/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { batchRowCount, createSession, makeEvents, startTestIngest, storedCount, ticketFor } from './support/ingest-fixtures.ts';
import { openSocket, type TestSocket } from './support/ws-client.ts';
import { eventually, pollUntil } from './support/processes.ts';
import type { IngestServer } from '../bin/ingest-wiring.ts';

let db: TestDatabase;
let ingest: { server: IngestServer; url: string };
let second: { server: IngestServer; url: string };

const isWelcome = (m: ServerMessage): m is WelcomeMessage => m.t === MessageType.Welcome;
const isError = (m: ServerMessage): m is ErrorMessage => m.t === MessageType.Error;
const ackOf = (seq: number) => (m: ServerMessage): m is AckMessage => m.t === MessageType.Ack && m.seq >= seq;

async function typist(url = ingest.url, ids?: { userId: string; sessionId: string }): Promise<{ socket: TestSocket; ids: { userId: string; sessionId: string }; welcome: WelcomeMessage }> {
  const session = ids ?? (await createSession(db.pool));
  const socket = await openSocket(url, ticketFor(session));
  socket.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: session.sessionId, lastAckedSeq: 0, client: 'test' });
  const welcome = await socket.next(isWelcome);
  return { socket, ids: session, welcome };
}

test.before(async () => {
  db = await freshDatabase();
  ingest = await startTestIngest(db.url, db.pool);
  second = await startTestIngest(db.url, db.pool);
});

test.after(async () => {
  await ingest.server.drain();
  await second.server.drain();
  await db.drop();
});

test('a session round-trips: welcome, cumulative acks after commit, rows with fingers', async () => {
  const { socket, ids, welcome } = await typist();
  assert.is(welcome.committedSeq, 0);
  assert.is(welcome.v, PROTOCOL_VERSION);
  for (let seq = 1; seq <= 3; seq++) socket.send({ t: MessageType.Batch, seq, events: makeEvents(10, seq * 1_000_000) });
  await socket.next(ackOf(3));
  assert.is(await storedCount(db.pool, ids.sessionId), 30);
  const { rows } = await db.pool.query('SELECT committed_seq, event_count FROM typing_sessions WHERE id = $1', [ids.sessionId]);
  assert.equal(rows[0], { committed_seq: 3, event_count: 30 });
  const fingers = await db.pool.query("SELECT DISTINCT key_code, finger FROM keystrokes WHERE session_id = $1 AND key_code IN ('KeyT', 'Space', 'KeyQ') ORDER BY key_code", [ids.sessionId]);
  assert.equal(fingers.rows, [{ key_code: 'KeyQ', finger: 0 }, { key_code: 'KeyT', finger: 3 }, { key_code: 'Space', finger: 5 }]);
  socket.send({ t: MessageType.End, seq: 3 });
  const ended = await socket.next((m) => m.t === MessageType.Ended);
  assert.equal(ended, { t: MessageType.Ended, committedSeq: 3 });
  assert.is((await socket.closed).code, 1000);
  // Ending computes the session's analytics in the background: the history list's figures.
  const ready = await pollUntil(async () => (await db.pool.query('SELECT wpm FROM typing_sessions WHERE id = $1', [ids.sessionId])).rows[0].wpm !== null, 5000);
  assert.ok(ready !== undefined, 'the ended session got no headline figures');
  const headline = (await db.pool.query('SELECT duration_ms, wpm, raw_wpm, accuracy FROM typing_sessions WHERE id = $1', [ids.sessionId])).rows[0];
  assert.ok(headline.duration_ms > 0 && headline.raw_wpm > 0 && headline.accuracy >= 0 && headline.accuracy <= 1, JSON.stringify(headline));
});

test('a resend after a lost ack is acknowledged and not stored twice', async () => {
  const first = await typist();
  first.socket.send({ t: MessageType.Batch, seq: 1, events: makeEvents(8) });
  first.socket.send({ t: MessageType.Batch, seq: 2, events: makeEvents(8, 2_000_000) });
  await first.socket.next(ackOf(2));
  first.socket.ws.terminate(); // as if the ack had been lost on the way
  const again = await typist(ingest.url, first.ids);
  assert.is(again.welcome.committedSeq, 2);
  again.socket.send({ t: MessageType.Batch, seq: 1, events: makeEvents(8) });
  again.socket.send({ t: MessageType.Batch, seq: 2, events: makeEvents(8, 2_000_000) });
  again.socket.send({ t: MessageType.Batch, seq: 3, events: makeEvents(8, 3_000_000) });
  await again.socket.next(ackOf(3));
  assert.is(await storedCount(db.pool, first.ids.sessionId), 24);
  again.socket.ws.close();
});

test('the same batch sent twice while in flight is stored once', async () => {
  const { socket, ids } = await typist();
  const batch = { t: MessageType.Batch, seq: 1, events: makeEvents(6) } as const;
  socket.send(batch);
  socket.send(batch);
  socket.send({ t: MessageType.Batch, seq: 2, events: makeEvents(6, 1_000_000) });
  await socket.next(ackOf(2));
  assert.is(await storedCount(db.pool, ids.sessionId), 12);
  socket.ws.close();
});

test('a second connection for the same session takes it over; the first is told why', async () => {
  const first = await typist();
  first.socket.send({ t: MessageType.Batch, seq: 1, events: makeEvents(4) });
  await first.socket.next(ackOf(1));
  const takeover = await typist(ingest.url, first.ids);
  assert.is((await first.socket.closed).code, 4106);
  assert.is((await first.socket.next(isError)).code, 'SESSION_TAKEN_OVER');
  assert.is(takeover.welcome.committedSeq, 1);
  takeover.socket.send({ t: MessageType.Batch, seq: 2, events: makeEvents(4, 1_000_000) });
  await takeover.socket.next(ackOf(2));
  assert.is(await storedCount(db.pool, first.ids.sessionId), 8);
  takeover.socket.ws.close();
});

test('a client moving to another ingest process resumes exactly once, and the old connection is closed', async () => {
  const onA = await typist(ingest.url);
  for (let seq = 1; seq <= 5; seq++) onA.socket.send({ t: MessageType.Batch, seq, events: makeEvents(20, seq * 2_000_000) });
  // Moves before all acks arrived: what process A still holds is either committed there,
  // or refused as taken over and resent here. Never both.
  const onB = await typist(second.url, onA.ids);
  const from = onB.welcome.committedSeq + 1;
  for (let seq = from; seq <= 7; seq++) onB.socket.send({ t: MessageType.Batch, seq, events: makeEvents(20, seq * 2_000_000) });
  await onB.socket.next(ackOf(7));
  const closedA = await onA.socket.closed;
  assert.is(closedA.code, 4106);
  assert.is(await storedCount(db.pool, onA.ids.sessionId), 140);
  const dup = await db.pool.query('SELECT batch_seq, count(*)::int AS n FROM keystrokes WHERE session_id = $1 GROUP BY batch_seq ORDER BY batch_seq', [onA.ids.sessionId]);
  assert.equal(dup.rows.map((r) => r.n), [20, 20, 20, 20, 20, 20, 20]);
  onB.socket.ws.close();
});

test('a batch that skips a sequence number is refused', async () => {
  const { socket } = await typist();
  socket.send({ t: MessageType.Batch, seq: 2, events: makeEvents(2) });
  assert.is((await socket.next(isError)).code, 'SEQUENCE_GAP');
  assert.is((await socket.closed).code, 4107);
});

test('malformed input gets its documented error and close code', async () => {
  const cases: Array<[string, (s: TestSocket, sessionId: string) => void, string, number]> = [
    ['random bytes', (s) => s.sendRaw(new Uint8Array([0xc1, 0x00, 0xff, 0x13])), 'MALFORMED_FRAME', 4101],
    ['a text frame', (s) => s.sendRaw('{"t":1}'), 'MALFORMED_FRAME', 4101],
    ['an extension type', (s) => s.sendRaw(new Uint8Array([0xd4, 0x65, 0x00])), 'MALFORMED_FRAME', 4101],
    ['a frame over the limit', (s) => s.sendRaw(new Uint8Array(65537).fill(0xc0)), 'FRAME_TOO_LARGE', 4102],
    ['a batch before hello', (s) => s.send({ t: MessageType.Batch, seq: 1, events: makeEvents(2) }), 'HELLO_REQUIRED', 4109],
    ['a wrong protocol version', (s, sessionId) => s.send({ t: MessageType.Hello, v: 99, sessionId, lastAckedSeq: 0, client: '' }), 'UNSUPPORTED_VERSION', 4100],
    ['a server message from the client', (s) => s.send({ t: MessageType.Ack, seq: 1 }), 'UNEXPECTED_MESSAGE', 4112],
  ];
  for (const [name, act, code, closeCode] of cases) {
    const ids = await createSession(db.pool);
    const socket = await openSocket(ingest.url, ticketFor(ids));
    act(socket, ids.sessionId);
    const closed = await socket.closed;
    assert.is(closed.code, closeCode, name);
    assert.is(socket.received.find(isError)?.code, code, name);
  }
});

test('too many events in one batch, and invalid event fields, are refused', async () => {
  const many = await typist();
  many.socket.send({ t: MessageType.Batch, seq: 1, events: makeEvents(513) });
  assert.is((await many.socket.closed).code, 4103);
  const bad = await typist();
  bad.socket.send({ t: MessageType.Batch, seq: 1, events: [{ ...makeEvents(1)[0]!, offsetUs: -5 }] });
  assert.is((await bad.socket.closed).code, 4104);
  assert.is(await storedCount(db.pool, bad.ids.sessionId), 0);
});

test('a frame far over the limit is cut by the transport before it is read, and the server stays up', async () => {
  const { socket } = await typist();
  socket.sendRaw(new Uint8Array(1 << 20));
  // uWS drops the connection without a close frame once a frame exceeds twice the limit.
  assert.is((await socket.closed).code, 1006);
  const after = await typist();
  assert.is(after.welcome.committedSeq, 0);
  after.socket.ws.close();
});

test('upgrades without a valid ticket or from a foreign origin are refused with a code', async () => {
  const ids = await createSession(db.pool);
  const refused = async (ticket: string | undefined, origin?: string) => {
    try {
      await openSocket(ingest.url, ticket, { origin });
      return 'accepted';
    } catch (error) {
      const e = error as { status?: number; body?: string };
      return `${e.status} ${JSON.parse(e.body ?? '{}').error?.code}`;
    }
  };
  assert.is(await refused(undefined), '401 TICKET_MISSING');
  assert.is(await refused('not-a-jwt'), '401 TICKET_INVALID');
  assert.is(await refused(ticketFor(ids, 'ingest', -30)), '401 TICKET_EXPIRED');
  assert.is(await refused(ticketFor(ids), 'https://evil.example'), '403 ORIGIN_REJECTED');
  const allowed = await openSocket(ingest.url, ticketFor(ids), { origin: 'http://localhost:8080' });
  allowed.ws.close();
});

test('a session of another user, an unknown session, or a ticket for another session is forbidden', async () => {
  const mine = await createSession(db.pool);
  const theirs = await createSession(db.pool);
  const stolen = await openSocket(ingest.url, ticketFor({ userId: mine.userId, sessionId: theirs.sessionId }));
  stolen.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: theirs.sessionId, lastAckedSeq: 0, client: '' });
  assert.is((await stolen.closed).code, 4105);
  const unknown = '00000000-0000-4000-8000-000000000000';
  const ghost = await openSocket(ingest.url, ticketFor({ userId: mine.userId, sessionId: unknown }));
  ghost.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: unknown, lastAckedSeq: 0, client: '' });
  assert.is((await ghost.closed).code, 4111);
  const mismatch = await openSocket(ingest.url, ticketFor(mine));
  mismatch.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: theirs.sessionId, lastAckedSeq: 0, client: '' });
  assert.is((await mismatch.closed).code, 4105);
  const watcher = await openSocket(ingest.url, ticketFor(mine, 'watch'));
  watcher.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: mine.sessionId, lastAckedSeq: 0, client: '' });
  assert.is((await watcher.closed).code, 4105);
});

test('hello for an ended session says what was stored, then that it ended', async () => {
  const { socket, ids } = await typist();
  socket.send({ t: MessageType.Batch, seq: 1, events: makeEvents(4) });
  socket.send({ t: MessageType.End, seq: 1 });
  await socket.next((m) => m.t === MessageType.Ended);
  const again = await openSocket(ingest.url, ticketFor(ids));
  again.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: ids.sessionId, lastAckedSeq: 0, client: '' });
  assert.is((await again.next(isWelcome)).committedSeq, 1);
  assert.equal(await again.next((m) => m.t === MessageType.Ended), { t: MessageType.Ended, committedSeq: 1 });
  assert.is((await again.closed).code, 1000);
});

test('an ended session\'s small batches are compacted in the background, and read back the same', async () => {
  const { socket, ids } = await typist();
  // A typist's 150 ms frames: one or two events each.
  for (let seq = 1; seq <= 40; seq++) socket.send({ t: MessageType.Batch, seq, events: makeEvents(1 + (seq % 2), seq * 150_000) });
  await socket.next(ackOf(40));
  const events = 'SELECT batch_seq, batch_idx, offset_us::text, event_type, key_code, key_value, text_pos, finger, is_error, flags FROM keystrokes WHERE session_id = $1 ORDER BY batch_seq, batch_idx';
  const stored = (await db.pool.query(events, [ids.sessionId])).rows;
  const rows = () => batchRowCount(db.pool, ids.sessionId);
  assert.is(await rows(), 40, 'a live session is stored a row per batch');
  socket.send({ t: MessageType.End, seq: 40 });
  await socket.next((m) => m.t === MessageType.Ended);
  assert.ok(await eventually(async () => (await rows()) === 1, 5000), `the ended session still has ${await rows()} rows`);
  assert.equal((await db.pool.query(events, [ids.sessionId])).rows, stored);
  // A client that never saw its last acks resends, pipelined behind its hello: told the
  // session ended, nothing stored twice.
  const again = await openSocket(ingest.url, ticketFor(ids));
  again.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: ids.sessionId, lastAckedSeq: 37, client: '' });
  for (let seq = 38; seq <= 40; seq++) again.send({ t: MessageType.Batch, seq, events: makeEvents(1 + (seq % 2), seq * 150_000) });
  assert.equal(await again.next((m) => m.t === MessageType.Ended), { t: MessageType.Ended, committedSeq: 40 });
  await again.closed;
  assert.equal((await db.pool.query(events, [ids.sessionId])).rows, stored);
  assert.is(await rows(), 1);
});

test('spectators get live figures, also from another process', async () => {
  const { socket, ids } = await typist(ingest.url);
  const local = await openSocket(ingest.url, ticketFor(ids, 'watch'));
  local.send({ t: MessageType.Watch, sessionId: ids.sessionId });
  const remote = await openSocket(second.url, ticketFor(ids, 'watch'));
  remote.send({ t: MessageType.Watch, sessionId: ids.sessionId });
  await new Promise((r) => setTimeout(r, 200));
  socket.send({ t: MessageType.Batch, seq: 1, events: makeEvents(40) });
  const isStats = (m: ServerMessage) => m.t === MessageType.Stats && m.keystrokes > 0;
  const [own, near, far] = await Promise.all([socket.next(isStats, 4000), local.next(isStats, 4000), remote.next(isStats, 6000)]);
  for (const stats of [own, near, far]) {
    assert.is((stats as { sessionId: string }).sessionId, ids.sessionId);
    assert.is((stats as { keystrokes: number }).keystrokes, 20);
    assert.ok((stats as { dwellMs: number }).dwellMs > 0);
  }
  for (const s of [socket, local, remote]) s.ws.close();
});

test.run();
