// An ingest server finds the settled sessions nobody compacted: on start those that ended or
// went idle in the last two days, and then, every sweep, those that went idle since.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { batchRowCount, createSession, quietLogger, startTestIngest, storeTypingRows } from './support/ingest-fixtures.ts';
import { eventually } from './support/processes.ts';
import { createPool } from '../db/pool.ts';
import { AnalyticsRefreshQueue } from '../analytics/index.ts';
import { compactSessions } from '../db/keystroke-compaction.ts';
import { startCompactionSweeps } from '../bin/compaction-sweeps.ts';

let db: TestDatabase;
test.before(async () => {
  db = await freshDatabase();
});
test.after(async () => {
  await db.drop();
});

const rows = (id: string) => batchRowCount(db.pool, id);

/** A session holding 20 one-keystroke rows, ended or last written `ago` (an SQL interval). */
async function settled(userId: string | undefined, how: 'ended' | 'written', ago: string): Promise<{ userId: string; sessionId: string }> {
  const ids = await createSession(db.pool, userId);
  await storeTypingRows(db.pool, ids.sessionId, 20);
  const column = how === 'ended' ? 'ended_at' : 'updated_at';
  await db.pool.query(`UPDATE typing_sessions SET ${column} = now() - $2::interval WHERE id = $1`, [ids.sessionId, ago]);
  return ids;
}

test('on start, sessions that ended or went idle in the last two days are compacted; others are not', async () => {
  const ended = await settled(undefined, 'ended', '1 hour');
  const { userId } = ended;
  const idle = await settled(userId, 'written', '2 hours');
  const endedLongAgo = await settled(userId, 'ended', '3 days');
  const idleLongAgo = await settled(userId, 'written', '3 days');
  const typing = await settled(userId, 'written', '10 minutes');

  const lines: string[] = [];
  const ingest = await startTestIngest(db.url, db.pool, {}, lines);
  try {
    assert.ok(await eventually(async () => (await rows(ended.sessionId)) === 1 && (await rows(idle.sessionId)) === 1, 5000), 'a recently settled session was not compacted');
    assert.ok(lines.some((l) => l.includes('"event":"keystroke_compaction_sweep"') && l.includes('"reason":"start"') && l.includes('"sessions":2')), 'the sweep did not say what it queued');
  } finally {
    await ingest.server.drain();
  }
  assert.is(await rows(endedLongAgo.sessionId), 20, 'a session ended days ago is left to an operator');
  assert.is(await rows(idleLongAgo.sessionId), 20, 'a session idle for days is left to an operator');
  assert.is(await rows(typing.sessionId), 20, 'a session written minutes ago was compacted');
});

test('every sweep queues the sessions that went idle since; what ingest wrote past committed_seq stays', async () => {
  const pool = createPool(db.url, { max: 1, applicationName: 'test-sweeps' });
  const queue = new AnalyticsRefreshQueue(pool, { batchSize: 10, gatherMs: 10, dutyCycle: 1, maxPending: 100, upkeep: async (ids) => void (await compactSessions(pool, ids)) });
  const lines: string[] = [];
  const typing = await settled(undefined, 'written', '10 minutes');
  const sweeps = startCompactionSweeps({ queue, pool }, quietLogger(lines), { everyMs: 100 });
  try {
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.is(await rows(typing.sessionId), 20, 'a session written minutes ago was compacted');
    // The typist stops: an hour later a sweep finds the session. Rows past committed_seq
    // (as an import could leave them) are not the sweep's to merge.
    await db.pool.query(
      `INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits)
       SELECT $1, s, ARRAY[s * 150000], '{KeyB}', '{b}', '{0}', '{0}' FROM generate_series(21, 23) s`,
      [typing.sessionId],
    );
    await db.pool.query("UPDATE typing_sessions SET updated_at = now() - interval '61 minutes' WHERE id = $1", [typing.sessionId]);
    assert.ok(await eventually(async () => (await rows(typing.sessionId)) === 4, 5000), `the idle session has ${await rows(typing.sessionId)} rows`);
    assert.ok(lines.some((l) => l.includes('"event":"keystroke_compaction_sweep"') && l.includes('"reason":"idle"')), lines.join(''));
    const stored = (await db.pool.query<{ n: number; seqs: number }>('SELECT count(*)::int AS n, count(DISTINCT batch_seq)::int AS seqs FROM keystrokes WHERE session_id = $1', [typing.sessionId])).rows[0];
    assert.equal(stored, { n: 43, seqs: 23 });
  } finally {
    sweeps.stop();
    queue.stop();
    await pool.end();
  }
});

test.run();
