// The session history: newest first, a total, limit with cursor or offset paging, and
// filters by date range and mode, against sessions whose start times are set to the
// microsecond.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { signedInBrowser, startTestSidecar, type TestSidecar } from './support/sidecar-fixtures.ts';
import type { TestBrowser } from './support/http-client.ts';

let db: TestDatabase;
let sidecar: TestSidecar;
let typist: TestBrowser;
/** The typist's sessions, newest first, as the history must list them. */
let expected: Array<{ id: string; mode: string; startedAt: string }>;

// Two sessions 1 us apart (a Date-based cursor would lose one) and two at the same instant
// (ordered by id). Times are UTC.
const STARTS: Array<[string, string]> = [
  ['timed', '2024-01-01T09:00:00.000000Z'],
  ['words', '2024-01-02T09:00:00.000000Z'],
  ['timed', '2024-01-03T09:00:00.000100Z'],
  ['timed', '2024-01-03T09:00:00.000101Z'],
  ['words', '2024-01-04T09:00:00.500000Z'],
  ['words', '2024-01-04T09:00:00.500000Z'],
  ['zen', '2024-01-05T23:59:59.999999Z'],
];

test.before(async () => {
  db = await freshDatabase();
  sidecar = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false' });
  typist = (await signedInBrowser(sidecar)).browser;
  const rows: Array<{ id: string; mode: string; at: string }> = [];
  for (const [mode, at] of STARTS) {
    const created = await typist.post('/api/sessions', { mode, config: mode === 'timed' ? { duration: 15 } : mode === 'words' ? { wordCount: 10 } : {}, practiceText: 'abc' });
    assert.is(created.status, 201);
    await db.pool.query('UPDATE typing_sessions SET started_at = $2::timestamptz WHERE id = $1', [created.body.session.id, at]);
    rows.push({ id: created.body.session.id, mode, at });
  }
  rows.sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1));
  expected = rows.map((r) => ({ id: r.id, mode: r.mode, startedAt: r.at }));
  // Someone else's sessions in the same days never show up.
  const other = (await signedInBrowser(sidecar)).browser;
  const theirs = await other.post('/api/sessions', { mode: 'zen' });
  await db.pool.query("UPDATE typing_sessions SET started_at = '2024-01-03T10:00:00Z' WHERE id = $1", [theirs.body.session.id]);
});

test.after(async () => {
  await sidecar.close();
  await db.drop();
});

const ids = (response: { body: { sessions: Array<{ id: string }> } }) => response.body.sessions.map((s) => s.id);

test('the history lists only my sessions, newest first, with the total and without the practice texts', async () => {
  const response = await typist.get('/api/sessions');
  assert.is(response.status, 200);
  assert.is(response.body.total, STARTS.length);
  assert.equal(ids(response), expected.map((e) => e.id));
  assert.is(response.body.nextCursor, null);
  const first = response.body.sessions[0];
  assert.is(first.practiceText, undefined);
  assert.is(first.practiceTextLength, 3);
  assert.is(first.startedAt, '2024-01-05T23:59:59.999Z');
});

test('a cursor walks every session exactly once, also across equal and 1 us apart start times', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response: { status: number; body: { sessions: Array<{ id: string }>; total: number; nextCursor: string | null } } = await typist.get(`/api/sessions?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
    assert.is(response.status, 200);
    assert.ok(response.body.sessions.length <= 2);
    assert.is(response.body.total, STARTS.length, 'the total changed while paging');
    seen.push(...ids(response));
    cursor = response.body.nextCursor;
    pages++;
  } while (cursor && pages < 10);
  assert.is(pages, 4);
  assert.equal(seen, expected.map((e) => e.id));
});

test('deleting the row a cursor points at does not skip or repeat rows on the next page', async () => {
  const { browser } = await signedInBrowser(sidecar);
  const made: string[] = [];
  for (let day = 1; day <= 4; day++) {
    const created = await browser.post('/api/sessions', { mode: 'zen' });
    await db.pool.query('UPDATE typing_sessions SET started_at = $2::timestamptz WHERE id = $1', [created.body.session.id, `2024-03-0${day}T12:00:00Z`]);
    made.unshift(created.body.session.id);
  }
  const first = await browser.get('/api/sessions?limit=2');
  assert.equal(ids(first), made.slice(0, 2));
  // The typist deletes the second row before turning the page; an offset of 2 would now skip made[2].
  assert.is((await browser.request('DELETE', `/api/sessions/${made[1]}`)).status, 204);
  const second = await browser.get(`/api/sessions?limit=2&cursor=${first.body.nextCursor}`);
  assert.equal(ids(second), made.slice(2, 4));
  assert.is(second.body.total, 3);
});

test('offset paging returns the rows at that position', async () => {
  const response = await typist.get('/api/sessions?limit=2&offset=3');
  assert.is(response.status, 200);
  assert.equal(ids(response), expected.slice(3, 5).map((e) => e.id));
  assert.is(response.body.total, STARTS.length);
  assert.ok(response.body.nextCursor);
  const end = await typist.get('/api/sessions?limit=5&offset=5');
  assert.equal(ids(end), expected.slice(5).map((e) => e.id));
  assert.is(end.body.nextCursor, null);
});

test('from (inclusive) and to (exclusive) select by start time; mode by mode; the total follows the filter', async () => {
  const range = await typist.get('/api/sessions?from=2024-01-03&to=2024-01-04T09:00:00.5Z');
  assert.is(range.status, 200, JSON.stringify(range.body));
  assert.equal(ids(range), expected.filter((e) => e.startedAt >= '2024-01-03' && e.startedAt < '2024-01-04T09:00:00.5').map((e) => e.id));
  assert.is(range.body.total, 2);
  const withOffset = await typist.get(`/api/sessions?from=${encodeURIComponent('2024-01-05T23:00:00+02:00')}`);
  assert.equal(ids(withOffset), expected.filter((e) => e.startedAt >= '2024-01-05T21:00').map((e) => e.id));
  const words = await typist.get('/api/sessions?mode=words');
  assert.equal(ids(words), expected.filter((e) => e.mode === 'words').map((e) => e.id));
  assert.is(words.body.total, 3);
  const wordsInRange = await typist.get('/api/sessions?mode=words&from=2024-01-03&limit=1');
  assert.is(wordsInRange.body.total, 2);
  assert.is(wordsInRange.body.sessions.length, 1);
  const next = await typist.get(`/api/sessions?mode=words&from=2024-01-03&limit=1&cursor=${wordsInRange.body.nextCursor}`);
  assert.equal([...ids(wordsInRange), ...ids(next)], expected.filter((e) => e.mode === 'words' && e.startedAt >= '2024-01-03').map((e) => e.id));
  const none = await typist.get('/api/sessions?mode=quote');
  assert.equal(none.body, { sessions: [], total: 0, nextCursor: null });
});

test('bad paging and filter parameters are a 400 naming the parameter', async () => {
  const forged = Buffer.from(JSON.stringify(['2024-02-30T00:00:00.000000Z', expected[0]!.id])).toString('base64url');
  const cases: Array<[string, string]> = [
    ['limit=0', 'limit'], ['limit=101', 'limit'], ['limit=abc', 'limit'], ['limit=2.5', 'limit'], ['limit=1&limit=2', 'limit'],
    ['offset=-1', 'offset'], ['cursor=not-a-cursor', 'cursor'], [`cursor=${forged}`, 'cursor'], ['cursor=e30&offset=2', 'offset'],
    ['from=yesterday', 'from'], ['from=2024-02-30', 'from'], ['to=2024-01-01T10:00:00', 'to'], ['from=2024-01-05&to=2024-01-01', 'to'],
    ['mode=sprint', 'mode'], ['sort=oldest', 'sort'],
  ];
  for (const [query, field] of cases) {
    const response = await typist.get(`/api/sessions?${query}`);
    assert.is(response.status, 400, `${query}: ${JSON.stringify(response.body)}`);
    assert.is(response.body.error.code, 'VALIDATION_FAILED');
    assert.ok(field in response.body.error.details.fields, `${query}: ${JSON.stringify(response.body.error.details)}`);
  }
});

test.run();
