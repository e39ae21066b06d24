// Issue 15 over HTTP against running servers: a legacy session spanning 1e12 us (stored
// before the span limit, or written around ingest) is answered within its statement timeout
// (503 ANALYTICS_TIMEOUT, logged, never a 500); twelve such requests in parallel leave
// another user free to create a session and stream; session quotas; the import's time rules.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { startTestIngest } from './support/ingest-fixtures.ts';
import { signedInBrowser, startTestSidecar, type TestSidecar } from './support/sidecar-fixtures.ts';
import { helloRaw, keyPairs, T } from './support/raw-protocol-client.ts';
import type { TestBrowser } from './support/http-client.ts';
import type { IngestServer } from '../bin/ingest-wiring.ts';

let db: TestDatabase;
let sidecar: TestSidecar;
let strict: TestSidecar;
let tight: TestSidecar;
let ingest: { server: IngestServer; url: string };

test.before(async () => {
  db = await freshDatabase();
  sidecar = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', ANALYTICS_STATEMENT_TIMEOUT_MS: '1000', RATE_LIMIT_PER_MINUTE: '100000' });
  // Strict quotas, and a statement timeout long enough for any machine load (no test may
  // depend on how fast the machine is).
  strict = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', QUOTA_ANONYMOUS_SESSIONS_PER_HOUR: '2', QUOTA_OPEN_SESSIONS_PER_USER: '3', ANALYTICS_STATEMENT_TIMEOUT_MS: '600000' });
  tight = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', ANALYTICS_STATEMENT_TIMEOUT_MS: '100' });
  ingest = await startTestIngest(db.url, db.pool);
});

test.after(async () => {
  await ingest.server.drain();
  await sidecar.close();
  await strict.close();
  await tight.close();
  await db.drop();
});

async function anonymous(on: TestSidecar = sidecar): Promise<{ browser: TestBrowser; userId: string }> {
  const browser = on.browser();
  const created = await browser.post('/api/anonymous');
  assert.is(created.status, 201, JSON.stringify(created.body));
  browser.accessToken = created.body.accessToken;
  return { browser, userId: created.body.user.id };
}

/** A session whose keystrokes span 1e12 us, written straight into the tables as old data would be. */
async function legacyHugeSession(userId: string): Promise<string> {
  const { rows } = await db.pool.query<{ id: string }>("INSERT INTO typing_sessions (user_id, mode, committed_seq, event_count) VALUES ($1, 'zen', 1, 4) RETURNING id", [userId]);
  const id = rows[0]!.id;
  await db.pool.query(
    `INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits)
     VALUES ($1, 1, '{0,50000,1000000000000,1000000050000}', '{KeyA,KeyA,KeyS,KeyS}', '{a,a,s,s}', '{0,0,1,1}', keystroke_event_bits('{0,1,0,1}', '{f,f,f,f}', '{0,0,1,1}', '{0,0,0,0}'))`,
    [id],
  );
  return id;
}

test('a 1e12 us session with fatigueWindowSec=1: 503 ANALYTICS_TIMEOUT within its statement timeout, logged, never a 500', async () => {
  const { browser, userId } = await anonymous(tight);
  const id = await legacyHugeSession(userId);
  const answer = await browser.get(`/api/sessions/${id}/analytics?fatigueWindowSec=1`);
  assert.is(answer.status, 503, JSON.stringify(answer.body).slice(0, 300));
  assert.is(answer.body.error.code, 'ANALYTICS_TIMEOUT');
  assert.ok(tight.logs.some((l) => l.includes('"event":"analytics_timeout"') && l.includes(userId)), 'the timeout was not logged');
});

test('the same session with a timeout long enough: 200 with a bounded answer (coarser series, capped windows)', async () => {
  const { browser, userId } = await anonymous(strict);
  const id = await legacyHugeSession(userId);
  const answer = await browser.get(`/api/sessions/${id}/analytics?fatigueWindowSec=1`);
  assert.is(answer.status, 200, JSON.stringify(answer.body).slice(0, 300));
  assert.ok(answer.body.analytics.series.length <= 21_600, String(answer.body.analytics.series.length));
  assert.ok(answer.body.analytics.fatigue.windows.length <= 720, String(answer.body.analytics.fatigue.windows.length));
});

test('12 heavy analytics requests in parallel: each answered 503 (never 500) while another user creates a session and streams', async () => {
  const heavy = await Promise.all(Array.from({ length: 12 }, async () => {
    const typist = await anonymous();
    return { browser: typist.browser, id: await legacyHugeSession(typist.userId) };
  }));
  const requests = heavy.map((h) => h.browser.get(`/api/sessions/${h.id}/analytics?fatigueWindowSec=1`));

  const other = await anonymous();
  const created = await other.browser.post('/api/sessions', { mode: 'zen' });
  assert.is(created.status, 201, `session creation during the heavy requests: ${JSON.stringify(created.body)}`);
  const { client } = await helloRaw(ingest.url, created.body.ingest.ticket, created.body.session.id);
  for (let seq = 1; seq <= 5; seq++) client.send({ t: T.batch, seq, events: keyPairs(5, seq * 1_000_000) });
  await client.next(T.ack, (m) => m.seq === 5, 30_000);
  client.send({ t: T.end, seq: 5 });
  await client.next(T.ended, undefined, 30_000);
  assert.is((await client.closed).code, 1000);

  const answers = await Promise.all(requests);
  for (const a of answers) {
    // Answered, or refused with a documented code; never a 500 or a hang.
    assert.ok(a.status === 200 || (a.status === 503 && ['ANALYTICS_TIMEOUT', 'ANALYTICS_BUSY'].includes(a.body.error.code)), `${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
  }
});

test('one user asking for uncached analytics many times at once gets turns, the excess 429 ANALYTICS_BUSY', async () => {
  const { browser, userId } = await anonymous();
  const id = await legacyHugeSession(userId);
  // Six turns per user (a page loads a few reports at once); two more are refused.
  const answers = await Promise.all(Array.from({ length: 8 }, () => browser.get(`/api/sessions/${id}/analytics?fatigueWindowSec=1`)));
  const busy = answers.filter((a) => a.status === 429);
  assert.is(busy.length, 2, JSON.stringify(answers.map((a) => a.status)));
  assert.ok(busy.every((a) => a.body.error.code === 'ANALYTICS_BUSY'));
});

test('anonymous typists may start QUOTA_ANONYMOUS_SESSIONS_PER_HOUR sessions an hour: then 429 SESSION_QUOTA_EXCEEDED', async () => {
  const { browser } = await anonymous(strict);
  for (let i = 0; i < 2; i++) assert.is((await browser.post('/api/sessions', { mode: 'zen' })).status, 201);
  const third = await browser.post('/api/sessions', { mode: 'zen' });
  assert.is(third.status, 429);
  assert.is(third.body.error.code, 'SESSION_QUOTA_EXCEEDED');
});

test('open sessions per user: past QUOTA_OPEN_SESSIONS_PER_USER 429 TOO_MANY_OPEN_SESSIONS, ending one makes room', async () => {
  const { browser } = await signedInBrowser(strict);
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await browser.post('/api/sessions', { mode: 'zen' })).body.session.id);
  const refused = await browser.post('/api/sessions', { mode: 'zen' });
  assert.is(refused.status, 429);
  assert.is(refused.body.error.code, 'TOO_MANY_OPEN_SESSIONS');
  assert.is((await browser.post(`/api/sessions/${ids[0]}/end`)).status, 200);
  assert.is((await browser.post('/api/sessions', { mode: 'zen' })).status, 201);
});

test('the import applies the protocol time rules: 400 SESSION_TOO_LONG and OFFSET_DECREASED', async () => {
  const { browser } = await anonymous();
  const event = (batchIdx: number, offsetUs: number) => ({ batchSeq: 1, batchIdx, offsetUs, type: 0, code: 'KeyA', key: 'a', textPos: batchIdx, isError: false, flags: 0 });
  const session = { sourceId: '2a7d9b0c-1e2f-4a3b-8c4d-5e6f7a8b9c0d', mode: 'zen' };
  const tooLong = await browser.post('/api/import', { session, events: [event(0, 0), event(1, 1e12)] });
  assert.is(tooLong.status, 400, JSON.stringify(tooLong.body));
  assert.is(tooLong.body.error.code, 'SESSION_TOO_LONG');
  const backwards = await browser.post('/api/import', { session, events: [event(0, 5_000_000), event(1, 1_000_000)] });
  assert.is(backwards.status, 400);
  assert.is(backwards.body.error.code, 'OFFSET_DECREASED');
  const fine = await browser.post('/api/import', { session, events: [event(0, 0), event(1, 1_000_000)] });
  assert.is(fine.status, 201, JSON.stringify(fine.body));
});

test.run();
