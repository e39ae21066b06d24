// One flush against PostgreSQL: the optimistic path stores and advances in one statement,
// and every case it does not cover (takeover, end, resend, gap, two owners) falls back to
// the locked plan with the same outcome the locked plan alone would give.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { type TestDatabase } from '../../test/support/database.ts';
import { databaseWithUser } from '../../test/support/user-database.ts';
import { storeOnce } from './flush-transaction.ts';
import { encodeBatchRows } from './keystroke-rows.ts';
import type { PendingBatch, StoreOutcome } from './flush-port.ts';

let db: TestDatabase;
let userId: string;

databaseWithUser((made) => ({ db, userId } = made));

async function session(owner: string, committedSeq = 0, ended = false): Promise<string> {
  const id = randomUUID();
  await db.pool.query(
    `INSERT INTO typing_sessions (id, user_id, mode, ingest_owner, committed_seq, ended_at) VALUES ($1, $2, 'timed', $3, $4, CASE WHEN $5 THEN now() END)`,
    [id, userId, owner, committedSeq, ended],
  );
  return id;
}

function batch(sessionId: string, ownerId: string, seq: number, count = 3): PendingBatch {
  const events: KeyEvent[] = Array.from({ length: count }, (_, i) => ({ type: (i % 2) as 0 | 1, code: 'KeyA', key: 'a', offsetUs: seq * 1_000_000 + i * 1000, textPos: i, isError: false, flags: 0 }));
  return { sessionId, ownerId, seq, rows: encodeBatchRows(sessionId, seq, events, new Uint8Array(count).fill(1)), rowCount: count, receivedAt: Date.now() };
}

async function flush(chunk: PendingBatch[]): Promise<StoreOutcome> {
  const client = await db.pool.connect();
  try {
    return await storeOnce(client, chunk, false);
  } finally {
    client.release();
  }
}

async function state(id: string): Promise<{ committed: number; counted: number; stored: number }> {
  const { rows } = await db.pool.query<{ committed: number; counted: number; stored: number }>(
    'SELECT committed_seq AS committed, event_count AS counted, (SELECT count(*)::int FROM keystrokes WHERE session_id = $1) AS stored FROM typing_sessions WHERE id = $1',
    [id],
  );
  return rows[0]!;
}

const sortById = <T extends { sessionId: string }>(list: T[]) => [...list].sort((a, b) => a.sessionId.localeCompare(b.sessionId));

test('batches that continue from committed_seq are stored and advance their sessions', async () => {
  const a = await session('c1');
  const b = await session('c2', 4);
  const outcome = await flush([batch(a, 'c1', 1), batch(b, 'c2', 5), batch(a, 'c1', 2, 5), batch(b, 'c2', 6)]);
  assert.equal(sortById(outcome.committed), sortById([{ sessionId: a, ownerId: 'c1', seq: 2 }, { sessionId: b, ownerId: 'c2', seq: 6 }]));
  assert.equal(outcome.rejected, []);
  assert.is(outcome.rows, 14);
  assert.is(outcome.path, 'optimistic');
  assert.equal(await state(a), { committed: 2, counted: 8, stored: 8 });
  assert.equal(await state(b), { committed: 6, counted: 6, stored: 6 });
});

test('a session taken over by another connection is refused, the others in the flush are stored', async () => {
  const kept = await session('c1');
  const lost = await session('new-holder', 1);
  const outcome = await flush([batch(kept, 'c1', 1), batch(lost, 'old-holder', 2)]);
  assert.equal(outcome.committed, [{ sessionId: kept, ownerId: 'c1', seq: 1 }]);
  assert.equal(outcome.rejected, [{ sessionId: lost, ownerId: 'old-holder', reason: 'taken_over', seq: 1 }]);
  assert.is(outcome.path, 'locked');
  assert.equal(await state(kept), { committed: 1, counted: 3, stored: 3 });
  assert.equal(await state(lost), { committed: 1, counted: 0, stored: 0 }, 'nothing of the old holder stored');
});

test('an ended session refuses more batches', async () => {
  const ended = await session('c1', 3, true);
  const outcome = await flush([batch(ended, 'c1', 4)]);
  assert.equal(outcome.rejected, [{ sessionId: ended, ownerId: 'c1', reason: 'ended', seq: 3 }]);
  assert.is(outcome.path, 'locked');
  assert.equal(await state(ended), { committed: 3, counted: 0, stored: 0 });
});

test('a batch at or below committed_seq is acknowledged and not stored again; one past a gap is refused', async () => {
  const resent = await session('c1', 2);
  const gap = await session('c1', 2);
  const outcome = await flush([batch(resent, 'c1', 2), batch(resent, 'c1', 3), batch(gap, 'c1', 5)]);
  assert.equal(sortById(outcome.committed), sortById([{ sessionId: resent, ownerId: 'c1', seq: 3 }, { sessionId: gap, ownerId: 'c1', seq: 2 }]));
  assert.equal(outcome.rejected, [{ sessionId: gap, ownerId: 'c1', reason: 'sequence_gap', seq: 2 }]);
  assert.is(outcome.path, 'locked');
  assert.equal(await state(resent), { committed: 3, counted: 3, stored: 3 });
  assert.equal(await state(gap), { committed: 2, counted: 0, stored: 0 });
});

test('an unknown session is refused without holding back the rest', async () => {
  const known = await session('c1');
  const unknown = randomUUID();
  const outcome = await flush([batch(unknown, 'c1', 1), batch(known, 'c1', 1)]);
  assert.equal(outcome.committed, [{ sessionId: known, ownerId: 'c1', seq: 1 }]);
  assert.equal(outcome.rejected, [{ sessionId: unknown, ownerId: 'c1', reason: 'unknown_session', seq: 0 }]);
  assert.is(outcome.path, 'locked');
  assert.equal(await state(known), { committed: 1, counted: 3, stored: 3 });
});

test('batches of the old and the new holder in one flush: only the holder\'s are stored', async () => {
  const moved = await session('new');
  const outcome = await flush([batch(moved, 'old', 1), batch(moved, 'new', 1, 4)]);
  assert.equal(outcome.committed, [{ sessionId: moved, ownerId: 'new', seq: 1 }]);
  assert.equal(outcome.rejected, [{ sessionId: moved, ownerId: 'old', reason: 'taken_over', seq: 0 }]);
  assert.is(outcome.path, 'locked');
  assert.equal(await state(moved), { committed: 1, counted: 4, stored: 4 });
});

test('holder names with quotes and backslashes are matched exactly on the optimistic path', async () => {
  const owner = `c"1\\'x`;
  const id = await session(owner);
  const outcome = await flush([batch(id, owner, 1)]);
  assert.is(outcome.path, 'optimistic');
  assert.equal(outcome.committed, [{ sessionId: id, ownerId: owner, seq: 1 }]);
  const lookalike = await session(`c"1\\'y`);
  const refused = await flush([batch(lookalike, owner, 1)]);
  assert.equal(refused.rejected.map((r) => r.reason), ['taken_over']);
});

test('a session id that is not a canonical uuid never reaches SQL as a literal', async () => {
  const known = await session('c1');
  const odd = `${known}'); DROP TABLE keystrokes; --`;
  // Refused by the binary encoder (a uuid field is 16 bytes) or planned with parameters.
  const outcome = await (async () => flush([batch(odd, 'c1', 1)]))().catch((error: Error) => error);
  assert.ok(outcome instanceof Error ? /uuid/i.test(outcome.message) : outcome.path === 'locked', outcome instanceof Error ? outcome.message : JSON.stringify(outcome));
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM keystrokes');
  assert.ok(rows[0]!.n > 0, 'keystrokes is still there');
});

test.run();
