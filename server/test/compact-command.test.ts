// `make compact`, as an operator runs it: it finds settled sessions no server compacted (here
// one that ended and one left open, both a month ago), counts them with CHECK=yes, compacts
// them, and leaves a session still being typed in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { batchRowCount, createSession, storeTypingRows } from './support/ingest-fixtures.ts';
import { run } from '../../ops/test/support.ts';

let db: TestDatabase;
test.before(async () => {
  db = await freshDatabase();
});
test.after(async () => {
  await db.drop();
});

function events(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('make compact counts, then compacts, the settled sessions left with small rows', async () => {
  const old = await createSession(db.pool);
  const abandoned = await createSession(db.pool, old.userId);
  const live = await createSession(db.pool, old.userId);
  for (const { sessionId } of [old, abandoned, live]) await storeTypingRows(db.pool, sessionId, 20);
  await db.pool.query("UPDATE typing_sessions SET ended_at = now() - interval '30 days' WHERE id = $1", [old.sessionId]);
  await db.pool.query("UPDATE typing_sessions SET updated_at = now() - interval '30 days' WHERE id = $1", [abandoned.sessionId]);
  const rows = (id: string) => batchRowCount(db.pool, id);
  const env = { NODE_ENV: 'test', DATABASE_URL: db.url };

  const check = await run('make', ['--no-print-directory', 'compact', 'CHECK=yes'], env, { timeoutMs: 60_000 });
  assert.is(check.code, 0, check.stderr);
  assert.ok(events(check.stdout).some((e) => e.event === 'keystroke_compaction_checked' && e.sessions === 2), check.stdout);
  assert.is(await rows(old.sessionId), 20, '--check changed something');

  const compact = await run('make', ['--no-print-directory', 'compact'], env, { timeoutMs: 60_000 });
  assert.is(compact.code, 0, compact.stderr);
  assert.ok(events(compact.stdout).some((e) => e.event === 'keystroke_compaction_complete' && e.sessions === 2 && e.rowsMerged === 38), compact.stdout);
  assert.is(await rows(old.sessionId), 1);
  assert.is(await rows(abandoned.sessionId), 1);
  assert.is(await rows(live.sessionId), 20, 'a live session was compacted');
});

test.run();
