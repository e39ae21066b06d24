// The analytics API over HTTP: owner-only reads, validation with field details, the shapes,
// the per-session cache, and streamed exports whose content round-trips.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sessionReport } from '../../shared/metrics/reports.ts';
import { compareFigures } from '../../shared/metrics/testing/compare-figures.ts';
import { down, stream, up } from '../../shared/metrics/testing/events.ts';
import { generateSession, REALISTIC } from '../../shared/metrics/testing/keystroke-streams.ts';
import type { StoredKeystroke } from '../../shared/metrics/keystroke.ts';
import { storeSession } from './support/analytics-fixtures.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import type { TestBrowser } from './support/http-client.ts';
import { signedInBrowser, startTestSidecar, type TestSidecar } from './support/sidecar-fixtures.ts';

let db: TestDatabase;
let sidecar: TestSidecar;
let owner: { browser: TestBrowser; userId: string };
let stranger: { browser: TestBrowser; userId: string };
const sessions: Array<{ id: string; practiceText: string; events: StoredKeystroke[] }> = [];
// Keys whose values need escaping in CSV and JSON: quote, comma, backslash, a non-BMP character.
const AWKWARD = stream([
  down('Quote', '"', 0, { textPos: 0 }), up('Quote', 50), down('Comma', ',', 100, { textPos: 1 }), up('Comma', 150),
  down('Backslash', '\\', 200, { textPos: 2 }), up('Backslash', 250), down('Unidentified', '😀', 300, { textPos: 3 }), up('Unidentified', 350),
]);

test.before(async () => {
  db = await freshDatabase();
  sidecar = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false' });
  owner = await signedInBrowser(sidecar);
  stranger = await signedInBrowser(sidecar);
  for (let i = 0; i < 3; i++) {
    const generated = generateSession(i + 1, { ...REALISTIC, characters: 150 });
    const id = await storeSession(db.pool, { userId: owner.userId, startedAt: new Date(Date.UTC(2026, 0, 10 + i)), ...generated });
    sessions.push({ id, ...generated });
  }
  const id = await storeSession(db.pool, { userId: owner.userId, startedAt: new Date(Date.UTC(2026, 1, 1)), practiceText: '",\\😀', events: AWKWARD });
  sessions.push({ id, practiceText: '",\\😀', events: AWKWARD });
});

test.after(async () => {
  await sidecar.close();
  await db.drop();
});

test('a session\'s analytics: the reference figures, cached for the next read', async () => {
  const s = sessions[0]!;
  const first = await owner.browser.get(`/api/sessions/${s.id}/analytics`);
  assert.is(first.status, 200);
  const expected = sessionReport({ sessionId: s.id, practiceText: s.practiceText, events: s.events }, { fatigueWindowSec: 60 });
  assert.equal(compareFigures(first.body.analytics, expected), []);
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM session_analytics WHERE session_id = $1', [s.id]);
  assert.is(rows[0].n, 1, 'the whole-session answer is kept');
  const second = await owner.browser.get(`/api/sessions/${s.id}/analytics`);
  assert.equal(second.body, first.body);
  const windowed = await owner.browser.get(`/api/sessions/${s.id}/analytics?from=2&to=10.5&fatigueWindowSec=2`);
  assert.is(windowed.status, 200);
  const expectedWindow = sessionReport({ sessionId: s.id, practiceText: s.practiceText, events: s.events }, { fromUs: 2e6, toUs: 10.5e6, fatigueWindowSec: 2 });
  assert.equal(compareFigures(windowed.body.analytics, expectedWindow), []);
  assert.equal(windowed.body.analytics.window, { fromSec: 2, toSec: 10.5 });
});

test('only the owner reads a session: anyone else gets the same 404 as for no session', async () => {
  const s = sessions[0]!;
  const theirs = await stranger.browser.get(`/api/sessions/${s.id}/analytics`);
  const none = await owner.browser.get('/api/sessions/00000000-0000-4000-8000-000000000000/analytics');
  assert.equal([theirs.status, theirs.body], [none.status, none.body]);
  assert.is(theirs.body.error.code, 'SESSION_NOT_FOUND');
  assert.is((await stranger.browser.get(`/api/export/sessions/${s.id}/events.csv`)).status, 404);
  const anonymous = await sidecar.browser().get(`/api/sessions/${s.id}/analytics`);
  assert.is(anonymous.status, 401);
});

test('bad query parameters are a 400 naming each field, never a 500', async () => {
  const s = sessions[0]!;
  const cases: Array<[string, string]> = [
    [`/api/sessions/${s.id}/analytics?from=abc`, 'from'],
    [`/api/sessions/${s.id}/analytics?from=5&to=2`, 'to'],
    [`/api/sessions/${s.id}/analytics?fatigueWindowSec=0`, 'fatigueWindowSec'],
    [`/api/sessions/${s.id}/analytics?from=1&from=2`, 'from'],
    [`/api/sessions/${s.id}/analytics?form=1`, 'form'],
    ['/api/sessions/not-a-uuid/analytics', 'id'],
    ['/api/analytics?from=2026-13-01', 'from'],
    ['/api/analytics?from=2026-02-01&to=2026-01-01', 'to'],
    ['/api/analytics/keys?targetWpm=9000', 'targetWpm'],
    ['/api/analytics/trend?page=2', 'page'],
    ['/api/analytics/bests?includeIncomplete=yes', 'includeIncomplete'],
    ['/api/analytics?includeIncomplete=1', 'includeIncomplete'],
    ['/api/export/sessions.csv?x=1', 'x'],
  ];
  for (const [path, field] of cases) {
    const response = await owner.browser.get(path);
    assert.is(response.status, 400, path);
    assert.is(response.body.error.code, 'VALIDATION_FAILED', path);
    assert.ok(field in response.body.error.details.fields, `${path}: ${JSON.stringify(response.body.error.details)}`);
  }
});

test('range, trend and per-key model cover the caller\'s sessions only', async () => {
  const january = await owner.browser.get('/api/analytics?from=2026-01-01&to=2026-02-01');
  assert.is(january.status, 200);
  assert.is(january.body.analytics.sessions, 3);
  assert.equal([january.body.analytics.from, january.body.analytics.to], ['2026-01-01T00:00:00.000Z', '2026-02-01T00:00:00.000Z']);
  const all = await owner.browser.get('/api/analytics');
  assert.is(all.body.analytics.sessions, 4);
  const trend = await owner.browser.get('/api/analytics/trend');
  assert.equal(trend.body.trend.map((p: { sessionId: string }) => p.sessionId), sessions.map((s) => s.id));
  assert.is(trend.body.trend[0].startedAt, '2026-01-10T00:00:00.000000Z');
  const keys = await owner.browser.get('/api/analytics/keys?targetWpm=50');
  assert.is(keys.body.model.targetMs, 240);
  assert.ok(keys.body.model.keys.length > 5);
  const strangers = await stranger.browser.get('/api/analytics');
  assert.equal([strangers.body.analytics.sessions, strangers.body.analytics.summary.counts.keystrokes], [0, 0]);
  assert.equal((await stranger.browser.get('/api/analytics/trend')).body.trend, []);
  const bests = await owner.browser.get('/api/analytics/bests?includeIncomplete=false');
  assert.is(bests.status, 200);
  const fastest = sessions.map((s) => ({ id: s.id, wpm: sessionReport({ sessionId: s.id, ...s }, { fatigueWindowSec: 60 }).summary.speed.productiveWpm ?? 0 }))
    .sort((a, b) => b.wpm - a.wpm)[0]!;
  assert.equal(bests.body.bests.map((b: { mode: string; length: number | null; sessionId: string }) => [b.mode, b.length, b.sessionId]), [['words', null, fastest.id]]);
  assert.equal((await stranger.browser.get('/api/analytics/bests')).body.bests, []);
});

test('the session list says whether each test ran to its end: null until computed, then true or false (API.md)', async () => {
  const typist = await signedInBrowser(sidecar);
  const generated = generateSession(31, { ...REALISTIC, characters: 80 });
  const at = (hour: number) => new Date(Date.UTC(2026, 2, 1, hour));
  const finished = await storeSession(db.pool, { userId: typist.userId, startedAt: at(8), ...generated });
  // The same keys against a longer text: the typist stopped before its last word.
  const stopped = await storeSession(db.pool, { userId: typist.userId, startedAt: at(9), events: generated.events, practiceText: `${generated.practiceText} and the words never typed` });
  const listed = async () => new Map<string, unknown>((await typist.browser.get('/api/sessions')).body.sessions.map((x: { id: string; complete: unknown }) => [x.id, x.complete]));
  assert.equal([...(await listed()).values()], [null, null], 'not computed yet');
  assert.is((await typist.browser.get('/api/analytics?from=2026-03-01&to=2026-03-02&includeIncomplete=true')).status, 200);
  const after = await listed();
  assert.is(after.get(finished), true);
  assert.is(after.get(stopped), false);
  assert.is((await typist.browser.get(`/api/sessions/${stopped}`)).body.session.complete, false, 'the session itself says so too');
});

test('exports: sessions and events as CSV and JSON, escaped, complete, in stored order', async () => {
  const csv = await owner.browser.get('/api/export/sessions.csv');
  assert.is(csv.status, 200);
  assert.match(csv.headers.get('content-type')!, /text\/csv/);
  assert.match(csv.headers.get('content-disposition')!, /attachment; filename="fingerflow-sessions.csv"/);
  assert.is(csv.headers.get('content-length'), null, 'streamed, not buffered');
  const lines = (csv.body as string).trim().split('\n');
  assert.match(lines[0]!, /^session_id,mode,started_at,ended_at,event_count,duration_ms,/);
  assert.is(lines.length, 1 + sessions.length);
  const json = await owner.browser.get('/api/export/sessions.json');
  assert.equal(json.body.map((s: { sessionId: string }) => s.sessionId), sessions.map((s) => s.id));
  assert.is(json.body[0].summary.counts.keystrokes, sessionReport({ sessionId: '', ...sessions[0]! }, { fatigueWindowSec: 60 }).summary.counts.keystrokes);

  const awkward = sessions[3]!;
  const events = await owner.browser.get(`/api/export/sessions/${awkward.id}/events.json`);
  assert.equal(events.body.map((e: { key: string }) => e.key), AWKWARD.map((e) => e.key), 'quote, comma, backslash and emoji survive');
  const eventsCsv = await owner.browser.get(`/api/export/sessions/${awkward.id}/events.csv`);
  assert.match(eventsCsv.body, /,"""",/, 'a quote is doubled inside quotes');
  assert.is((eventsCsv.body as string).trim().split('\n').length, 1 + AWKWARD.length);
  const everything = await owner.browser.get('/api/export/events.json');
  assert.is(everything.body.length, sessions.reduce((n, s) => n + s.events.length, 0));
  const first = sessions[0]!;
  const arrival = [...first.events].sort((a, b) => a.batchSeq - b.batchSeq || a.batchIdx - b.batchIdx).map((e) => [e.batchSeq, e.batchIdx]);
  assert.equal(everything.body.slice(0, first.events.length).map((e: { batchSeq: number; batchIdx: number }) => [e.batchSeq, e.batchIdx]), arrival);
  const none = await stranger.browser.get('/api/export/events.json');
  assert.equal(none.body, []);
});

test('an export cut short by the browser gives its database connection back', async () => {
  // ~70,000 events (several MB): more than the socket buffers hold, so the COPY is cut mid-way.
  const big = generateSession(77, { ...REALISTIC, characters: 30_000 });
  await storeSession(db.pool, { userId: stranger.userId, ...big });
  const aborter = new AbortController();
  const response = await fetch(`${sidecar.base}/api/export/events.csv`, { headers: { authorization: `Bearer ${stranger.browser.accessToken}` }, signal: aborter.signal });
  const reader = response.body!.getReader();
  await reader.read();
  aborter.abort();
  await reader.read().catch(() => undefined);
  for (let i = 0; i < 50 && db.pool.totalCount - db.pool.idleCount > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.is(db.pool.totalCount - db.pool.idleCount, 0, 'no client left checked out');
  assert.is((await owner.browser.get('/api/export/sessions.json')).status, 200);
  const whole = await stranger.browser.get('/api/export/events.csv');
  assert.is((whole.body as string).trim().split('\n').length, 1 + big.events.length, 'read to the end, the export is complete');
});

test.run();
