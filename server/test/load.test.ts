// The load tool end to end (sidecar load-test endpoint, ingest, PostgreSQL), both transports,
// and proof that its report counts losses and duplicates when there are some.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { startTestIngest } from './support/ingest-fixtures.ts';
import { startTestSidecar, type TestSidecar } from './support/sidecar-fixtures.ts';
import { loadtestRoutes } from '../http/loadtest-routes.ts';
import { runLoadDetailed, type LoadOptions } from '../load/run-load.ts';
import { verifyStored } from '../load/verify-stored.ts';
import type { IngestServer } from '../ingest/server.ts';
import { spawnTs } from './support/processes.ts';

const TOKEN = 'load-test-token-'.padEnd(40, 'z');
let db: TestDatabase;
let sidecar: TestSidecar;
let ingest: { server: IngestServer; url: string };

const options = (over: Partial<LoadOptions>): LoadOptions => ({
  sidecarUrl: sidecar.base, ingestUrl: `${ingest.url}/ws`, token: TOKEN, clients: 20, rampUpSec: 1, durationSec: 3,
  transport: 'ws', seed: 7, batchMs: 250, databaseUrl: db.url, serverPid: process.pid, graceSec: 15, ...over,
});

test.before(async () => {
  db = await freshDatabase();
  sidecar = await startTestSidecar(db.url, db.pool, { LOADTEST_TOKEN: TOKEN }, [loadtestRoutes]);
  ingest = await startTestIngest(db.url, db.pool);
});

test.after(async () => {
  await ingest.server.drain();
  await sidecar.close();
  await db.drop();
});

for (const transport of ['ws', 'socketio'] as const) {
  test(`a short run over ${transport}: every event sent is acked and stored exactly once`, async () => {
    const { report } = await runLoadDetailed(options({ transport, clients: transport === 'ws' ? 20 : 10 }));
    assert.is(report.completedSessions, report.clients, JSON.stringify(report));
    assert.ok(report.sent > report.clients * 10, `only ${report.sent} events sent`);
    assert.is(report.acked, report.sent);
    assert.is(report.stored, report.sent);
    assert.is(report.lost, 0);
    assert.is(report.duplicates, 0);
    assert.is(report.unacked, 0);
    assert.ok(report.ackLatencyMs.p50 > 0 && report.ackLatencyMs.p99 >= report.ackLatencyMs.p50);
    assert.ok((report.serverRssMB ?? 0) > 0);
    assert.ok(report.timeline.length >= 4, `a timeline of ${report.timeline.length} seconds`);
    assert.is(report.timeline.reduce((n, p) => n + p.eventsPerSec, 0), report.acked, 'the timeline accounts for every ack');
    assert.ok(report.timeline.every((p) => p.ackMaxMs >= p.ackP99Ms));
    const ended = await db.pool.query("SELECT count(*)::int AS n FROM typing_sessions WHERE ended_at IS NOT NULL AND config->>'source' = 'loadtest'");
    assert.ok(ended.rows[0].n >= report.clients);
  });
}

test('the report counts a lost batch and a duplicated batch', async () => {
  const { report, clients } = await runLoadDetailed(options({ clients: 3, durationSec: 2 }));
  assert.is(report.lost, 0);
  const victim = clients[0]!;
  const lostBatch = victim.batches.get(1)!;
  await db.pool.query('DELETE FROM keystrokes WHERE session_id = $1 AND batch_seq = 1', [victim.sessionId]);
  const donor = clients[1]!;
  const copied = donor.batches.get(2)!;
  await db.pool.query(
    `INSERT INTO keystrokes (session_id, batch_seq, batch_idx, offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags)
     SELECT session_id, 9999, batch_idx, offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags FROM keystrokes WHERE session_id = $1 AND batch_seq = 2`,
    [donor.sessionId],
  );
  const check = await verifyStored(db.url, clients);
  assert.is(check.lost, lostBatch.count);
  assert.is(check.duplicates, copied.count);
  assert.is(check.stored, report.stored! - lostBatch.count + copied.count);
});

test('the load-test endpoint is off without a token, and refuses a wrong one', async () => {
  const off = await startTestSidecar(db.url, db.pool, {}, [loadtestRoutes]);
  try {
    const response = await fetch(`${off.base}/api/loadtest/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-loadtest-token': TOKEN }, body: '{"count":1}' });
    assert.is(response.status, 404);
  } finally {
    await off.close();
  }
  const wrong = await fetch(`${sidecar.base}/api/loadtest/sessions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-loadtest-token': 'nope' }, body: '{"count":1}' });
  assert.is(wrong.status, 403);
});

test('the load command refuses bad options and bad settings in one line, exit 2, no stack trace', async () => {
  const cases: Array<[Record<string, string>, string[], RegExp]> = [
    [{}, ['--clients', '0'], /--clients must be/],
    [{}, ['--transport', 'carrier-pigeon'], /--transport must be ws or socketio/],
    [{ LOADTEST_TOKEN: 'short' }, [], /^load: configuration error: LOADTEST_TOKEN: must be at least 32 characters/m],
  ];
  for (const [env, args, message] of cases) {
    const run = spawnTs('server/bin/load.ts', env, args);
    assert.is(await run.exited(20_000), 2, run.output());
    assert.match(run.output(), message);
    assert.not.match(run.output(), /\n\s+at /, `a stack trace: ${run.output()}`);
  }
});

test.run();
