// An ingest server that starts finds the ended sessions a stopped one never compacted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { batchRowCount, createSession, startTestIngest, storeTypingRows } from './support/ingest-fixtures.ts';
import { pollUntil } from './support/processes.ts';

let db: TestDatabase;
test.before(async () => {
  db = await freshDatabase();
});
test.after(async () => {
  await db.drop();
});

test('on start, sessions that ended in the last two days with rows left small are compacted; others are not', async () => {
  const recent = await createSession(db.pool);
  const old = await createSession(db.pool, recent.userId);
  const live = await createSession(db.pool, recent.userId);
  for (const { sessionId } of [recent, old, live]) await storeTypingRows(db.pool, sessionId, 20);
  await db.pool.query("UPDATE typing_sessions SET ended_at = now() - interval '1 hour' WHERE id = $1", [recent.sessionId]);
  await db.pool.query("UPDATE typing_sessions SET ended_at = now() - interval '3 days' WHERE id = $1", [old.sessionId]);
  const rows = (id: string) => batchRowCount(db.pool, id);

  const lines: string[] = [];
  const ingest = await startTestIngest(db.url, db.pool, {}, lines);
  try {
    assert.ok(await pollUntil(async () => (await rows(recent.sessionId)) === 1, 5000), 'the recently ended session was not compacted');
    assert.ok(lines.some((l) => l.includes('"event":"keystroke_compaction_sweep"') && l.includes('"sessions":1')), 'the sweep did not say what it queued');
  } finally {
    await ingest.server.drain();
  }
  assert.is(await rows(old.sessionId), 20, 'a session ended days ago is left to an operator');
  assert.is(await rows(live.sessionId), 20, 'a live session was compacted');
});

test.run();
