// The per-session cache and everything built on it (range, trend, per-key model) against the
// TypeScript reference, on random sessions of three users; and the cache's upkeep.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveKeydowns } from '../../../shared/metrics/derive.ts';
import { keyModel, sessionLetterSamples } from '../../../shared/metrics/learning.ts';
import { rangeReport, trendPoint, type SessionInput } from '../../../shared/metrics/reports.ts';
import { compareFigures } from '../../../shared/metrics/testing/compare-figures.ts';
import { generateSession, randomProfile, REALISTIC } from '../../../shared/metrics/testing/keystroke-streams.ts';
import { SeededRandom } from '../../../shared/protocol/testing/seeded-random.ts';
import { copyEvents, createUser, storeSession } from '../../test/support/analytics-fixtures.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { completeSessions, queryBests, queryKeyModel, queryTrend, sessionsInRange } from '../queries/history-query.ts';
import { queryRangeAnalytics } from '../queries/range-query.ts';
import { refreshSessions } from '../cache/refresh.ts';

const SESSIONS_PER_USER = 25;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);

interface Stored extends SessionInput {
  userId: string;
  startedAt: Date;
}

let db: TestDatabase;
const users: string[] = [];
const stored: Stored[] = [];

test.before(async () => {
  db = await freshDatabase();
  const rng = new SeededRandom(777);
  for (let u = 0; u < 3; u++) {
    const userId = await createUser(db.pool);
    users.push(userId);
    for (let i = 0; i < SESSIONS_PER_USER; i++) {
      const session = generateSession(50_000 + u * 100 + i, randomProfile(rng));
      // Two sessions share a start time now and then: the order falls back to the id.
      const startedAt = new Date(T0 + rng.below(30) * DAY + (rng.below(4) === 0 ? 0 : rng.below(DAY)));
      const sessionId = await storeSession(db.pool, { userId, startedAt, ...session });
      stored.push({ sessionId, userId, startedAt, ...session });
    }
  }
});
test.after(async () => db.drop());

const byStart = (a: Stored, b: Stored) => a.startedAt.getTime() - b.startedAt.getTime() || (a.sessionId < b.sessionId ? -1 : 1);
const ofUser = (userId: string) => stored.filter((s) => s.userId === userId).sort(byStart);
const expectSame = (actual: unknown, expected: unknown, label: string) => {
  const differences = compareFigures(actual, expected);
  assert.equal(differences, [], `${label}\n${differences.join('\n')}`);
};

test('the cache is built once per stored state', async () => {
  const ids = stored.map((s) => s.sessionId);
  assert.is(await refreshSessions(db.pool, ids), ids.length);
  assert.is(await refreshSessions(db.pool, ids), 0, 'nothing changed, nothing rebuilt');
});

test('trend: one summary per session, oldest first, as the reference computes it', async () => {
  for (const userId of users) {
    const expected = ofUser(userId).map((s) => trendPoint(s, '', 'words'));
    const actual = (await queryTrend(db.pool, userId, true)).map((p) => ({ ...p, startedAt: '' }));
    assert.equal(actual.map((p) => p.sessionId), expected.map((p) => p.sessionId), 'ordered by start, then id');
    expectSame({ points: actual }, { points: expected }, `trend of user ${userId}`);
  }
});

test('ranges: sessions started in [from, to) pooled, as the reference pools them', async () => {
  const rng = new SeededRandom(4242);
  for (let i = 0; i < 12; i++) {
    const userId = users[i % users.length]!;
    const from = i === 0 ? undefined : new Date(T0 + rng.below(20) * DAY);
    const to = i === 1 ? undefined : new Date((from?.getTime() ?? T0) + (1 + rng.below(15)) * DAY);
    const ids = await sessionsInRange(db.pool, userId, from, to);
    const inRange = ofUser(userId).filter((s) => (!from || s.startedAt >= from) && (!to || s.startedAt < to));
    assert.equal(ids, inRange.map((s) => s.sessionId));
    const actual = await queryRangeAnalytics(db.pool, ids, null, null);
    expectSame(actual, rangeReport(inRange, null, null), `range ${i} (${inRange.length} sessions)`);
  }
  const empty = await queryRangeAnalytics(db.pool, [], null, null);
  expectSame(empty, rangeReport([], null, null), 'an empty range');
});

test('a large range (~90,000 events, coarse timers, many equal values): exact pooled percentiles', async () => {
  const userId = await createUser(db.pool);
  const sessions: SessionInput[] = [];
  for (let i = 0; i < 40; i++) {
    const session = generateSession(7000 + i, { ...REALISTIC, characters: 1000, quantumUs: [1, 100, 1000, 16_000][i % 4]! });
    sessions.push({ sessionId: await storeSession(db.pool, { userId, ...session }), ...session });
  }
  const ids = sessions.map((s) => s.sessionId);
  await refreshSessions(db.pool, ids);
  expectSame(await queryRangeAnalytics(db.pool, ids, null, null), rangeReport(sessions, null, null), 'large range');
});

test('completion: a test stopped early, in every mode, as the reference decides; left out of the trend, ranges and bests', async () => {
  const userId = await createUser(db.pool);
  const rng = new SeededRandom(1717);
  const expected = new Map<string, boolean>();
  const sessions: (SessionInput & { mode: string; durationSec: number | null })[] = [];
  for (let i = 0; i < 40; i++) {
    const mode = rng.pick(['timed', 'words', 'quote', 'custom'] as const);
    const session = generateSession(9000 + i, { ...REALISTIC, characters: 5 + rng.below(40), textMode: rng.pick(['text', 'words'] as const) });
    // Stopped early: the events after a random moment never happened.
    const cut = rng.below(2) === 0 ? Infinity : rng.below(3_000_000);
    const events = session.events.filter((e) => e.offsetUs < cut);
    const durationSec = mode === 'timed' ? rng.pick([1, 2, 3, 5, 30]) : null;
    const sessionId = await storeSession(db.pool, { userId, practiceText: session.practiceText, events, mode, config: durationSec === null ? {} : { duration: durationSec }, startedAt: new Date(T0 + i * 1000) });
    const input = { sessionId, practiceText: session.practiceText, events, mode, durationSec };
    sessions.push(input);
    expected.set(sessionId, trendPoint(input, '', mode, durationSec).complete);
  }
  const ids = sessions.map((s) => s.sessionId);
  await refreshSessions(db.pool, ids);
  const all = await queryTrend(db.pool, userId, true);
  assert.equal(all.map((p) => [p.sessionId, p.complete]), ids.map((id) => [id, expected.get(id)]), 'SQL decides as the reference');
  const complete = ids.filter((id) => expected.get(id));
  assert.ok(complete.length > 5 && complete.length < ids.length - 5, `both kinds among 40 (${complete.length} complete)`);
  assert.equal((await queryTrend(db.pool, userId)).map((p) => p.sessionId), complete, 'the trend leaves stopped tests out');
  assert.equal(await completeSessions(db.pool, ids), complete, 'so do ranges');
  const bests = await queryBests(db.pool, userId);
  assert.ok(bests.length > 0);
  for (const best of bests) assert.ok(expected.get(best.sessionId), `best ${best.mode} ${best.length} is a complete test`);
  // The best of a group is its fastest complete session.
  for (const best of bests) {
    const group = (await queryTrend(db.pool, userId)).filter((p) => p.mode === best.mode && (best.mode === 'timed' ? sessions.find((s) => s.sessionId === p.sessionId)!.durationSec === best.length : true));
    const fastest = Math.max(...group.map((p) => p.summary.speed.productiveWpm ?? -1));
    assert.ok(Math.abs(best.wpm - fastest) < 1e-9, `best of ${best.mode} ${best.length}`);
  }
});

test('per-key model: EMA over sessions in start order, as the reference computes it', async () => {
  for (const userId of users) {
    const expected = keyModel(ofUser(userId).map((s) => sessionLetterSamples(deriveKeydowns(s.events, s.practiceText))), 40);
    expectSame(await queryKeyModel(db.pool, userId, 40), expected, `key model of ${userId}`);
  }
});

test('new events make a session stale; it is rebuilt and agrees again', async () => {
  const userId = users[0]!;
  const session = generateSession(99, { ...REALISTIC, characters: 30 });
  const sessionId = await storeSession(db.pool, { userId, ...session, startedAt: new Date(T0 - DAY) });
  await refreshSessions(db.pool, [sessionId]);
  // Typing goes on: a later batch arrives, as ingest stores it (COPY, then the stamp).
  const more = generateSession(100, { ...REALISTIC, characters: 20 }).events.map((e) => ({ ...e, batchSeq: e.batchSeq + 1000, offsetUs: e.offsetUs + 60_000_000 }));
  await copyEvents(db.pool, sessionId, more);
  await db.pool.query('UPDATE typing_sessions SET committed_seq = $2, event_count = event_count + $3 WHERE id = $1', [sessionId, 1000 + more.length, more.length]);
  assert.is(await refreshSessions(db.pool, [sessionId]), 1);
  const all = { sessionId, practiceText: session.practiceText, events: [...session.events, ...more] };
  const point = (await queryTrend(db.pool, userId, true)).find((p) => p.sessionId === sessionId)!;
  expectSame(point.summary, trendPoint(all, '', '').summary, 'rebuilt summary');
});

test('two refreshes of the same sessions at once: no error, each session built once', async () => {
  const userId = await createUser(db.pool);
  const ids = [];
  for (let i = 0; i < 6; i++) ids.push(await storeSession(db.pool, { userId, ...generateSession(300 + i, { ...REALISTIC, characters: 50 }) }));
  const [a, b] = await Promise.all([refreshSessions(db.pool, ids), refreshSessions(db.pool, [...ids].reverse())]);
  assert.is(a + b, ids.length);
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM session_summaries WHERE session_id = ANY($1)', [ids]);
  assert.is(rows[0].n, ids.length);
});

test('deleting a session deletes its cache', async () => {
  const victim = stored[0]!.sessionId;
  await db.pool.query('DELETE FROM typing_sessions WHERE id = $1', [victim]);
  for (const table of ['session_summaries', 'session_key_timings', 'session_digraphs', 'session_confusion', 'session_letters']) {
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM ${table} WHERE session_id = $1`, [victim]);
    assert.is(rows[0].n, 0, table);
  }
});

test.run();
