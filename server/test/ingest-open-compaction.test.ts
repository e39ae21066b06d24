// Compaction of a session that has not ended (migration 0015) beside the ingest server that
// is still storing it: a flush that arrives during the compaction waits for it, a client
// that lost its acks resends batches that now live inside a merged row, and the typist goes
// on typing. Every event is stored exactly once throughout.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MessageType, type AckMessage, type ServerMessage, type WelcomeMessage } from '../../shared/protocol/messages.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import type { KeyEvent } from '../../shared/protocol/key-event.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { batchRowCount, createSession, makeEvents, startTestIngest, ticketFor } from './support/ingest-fixtures.ts';
import { openSocket, type TestSocket } from './support/ws-client.ts';
import { eventually } from './support/processes.ts';
import type { IngestServer } from '../bin/ingest-wiring.ts';
import { compactSessions } from '../db/keystroke-compaction.ts';

let db: TestDatabase;
let ingest: { server: IngestServer; url: string };
test.before(async () => {
  db = await freshDatabase();
  ingest = await startTestIngest(db.url, db.pool);
});
test.after(async () => {
  await ingest.server.drain();
  await db.drop();
});

const ackOf = (seq: number) => (m: ServerMessage): m is AckMessage => m.t === MessageType.Ack && m.seq >= seq;
/** A typist's 150 ms frame: one or two events. */
const frame = (seq: number): KeyEvent[] => makeEvents(1 + (seq % 2), seq * 150_000);
const STORED = `SELECT batch_seq, batch_idx, offset_us::text, event_type, key_code, key_value, text_pos, is_error, flags
  FROM keystrokes WHERE session_id = $1 ORDER BY batch_seq, batch_idx`;

/** What the view must hold once batches 1..last are stored, each exactly once. */
function expected(last: number): unknown[] {
  const rows: unknown[] = [];
  for (let seq = 1; seq <= last; seq++) {
    frame(seq).forEach((e, idx) => rows.push({
      batch_seq: seq, batch_idx: idx, offset_us: String(e.offsetUs), event_type: e.type, key_code: e.code, key_value: e.key,
      text_pos: e.textPos, is_error: e.isError, flags: e.flags,
    }));
  }
  return rows;
}

async function connect(ids: { userId: string; sessionId: string }, lastAckedSeq: number): Promise<{ socket: TestSocket; welcome: WelcomeMessage }> {
  const socket = await openSocket(ingest.url, ticketFor(ids));
  socket.send({ t: MessageType.Hello, v: PROTOCOL_VERSION, sessionId: ids.sessionId, lastAckedSeq, client: 'test' });
  return { socket, welcome: await socket.next((m): m is WelcomeMessage => m.t === MessageType.Welcome) };
}

/** Until an ingest flush waits for a lock: it reached the compaction's session row lock. */
async function flushWaitsForLock(): Promise<boolean> {
  return eventually(async () => {
    const { rows } = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'fingerflow-ingest-writer' AND wait_event_type = 'Lock'",
    );
    return rows[0]!.n > 0;
  }, 10_000);
}

test('an open session compacted while its typist types, resends and types on stores every event once', async () => {
  const ids = await createSession(db.pool);
  const rows = () => batchRowCount(db.pool, ids.sessionId);
  const stored = async () => (await db.pool.query(STORED, [ids.sessionId])).rows;
  const first = await connect(ids, 0);
  for (let seq = 1; seq <= 30; seq++) first.socket.send({ t: MessageType.Batch, seq, events: frame(seq) });
  await first.socket.next(ackOf(30));
  assert.is(await rows(), 30);

  // A compaction holds the session while the typist's next batches arrive.
  const compactor = await db.pool.connect();
  try {
    await compactor.query('BEGIN');
    const gone = (await compactor.query<{ gone: number }>('SELECT compact_session_keystrokes($1) AS gone', [ids.sessionId])).rows[0]!.gone;
    assert.is(gone, 29);
    for (let seq = 31; seq <= 40; seq++) first.socket.send({ t: MessageType.Batch, seq, events: frame(seq) });
    assert.ok(await flushWaitsForLock(), 'no flush waited for the compaction');
    await compactor.query('COMMIT');
  } finally {
    compactor.release();
  }
  await first.socket.next(ackOf(40));
  assert.equal(await stored(), expected(40));
  assert.is(await rows(), 11, 'batches 1-30 in one merged row, then ten as they came');

  // The connection drops before the client saw acks past 25; it resends 26-40 (26-30 now
  // live inside the merged row), pipelined behind its hello, and types on.
  first.socket.ws.terminate();
  await first.socket.closed;
  const second = await connect(ids, 25);
  assert.is(second.welcome.committedSeq, 40);
  for (let seq = 26; seq <= 50; seq++) second.socket.send({ t: MessageType.Batch, seq, events: frame(seq) });
  await second.socket.next(ackOf(50));
  assert.equal(await stored(), expected(50));

  // Compacted again as it stands (the sweep's call), then ended: still every event once.
  assert.is(await compactSessions(db.pool, [ids.sessionId]), 20);
  assert.is(await rows(), 1);
  second.socket.send({ t: MessageType.Batch, seq: 51, events: frame(51) });
  second.socket.send({ t: MessageType.End, seq: 51 });
  assert.equal(await second.socket.next((m) => m.t === MessageType.Ended), { t: MessageType.Ended, committedSeq: 51 });
  assert.ok(await eventually(async () => (await rows()) === 1, 5000), `the ended session kept ${await rows()} rows`);
  assert.equal(await stored(), expected(51));
  const session = (await db.pool.query('SELECT committed_seq, event_count FROM typing_sessions WHERE id = $1', [ids.sessionId])).rows[0];
  assert.equal(session, { committed_seq: 51, event_count: expected(51).length });
});

test.run();
