// The fatigue window cap (issue 15) in SQL and in the TypeScript reference: a long session
// asked for 1-second windows gets at most MAX_FATIGUE_WINDOWS, both sides alike.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sessionReport } from '../../../shared/metrics/reports.ts';
import { MAX_FATIGUE_WINDOWS } from '../../../shared/metrics/fatigue.ts';
import { compareFigures } from '../../../shared/metrics/testing/compare-figures.ts';
import { down, stream, up } from '../../../shared/metrics/testing/events.ts';
import { createUser, storeSession } from '../../test/support/analytics-fixtures.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { computeSessionAnalytics } from '../queries/session-query.ts';
import { refreshSessions } from '../cache/refresh.ts';
import { queryRangeAnalytics } from '../queries/range-query.ts';
import { rangeReport } from '../../../shared/metrics/reports.ts';
import { MAX_SERIES_POINTS } from '../../../shared/metrics/series.ts';

let db: TestDatabase;
test.before(async () => {
  db = await freshDatabase();
});
test.after(async () => db.drop());

test('two hours asked in 1 s windows: 10 s windows, at most 720, and SQL agrees with the reference', async () => {
  const specs = [];
  for (let i = 0, t = 0; t < 2 * 3600 * 1000; i++, t += 4000) specs.push(down('KeyA', 'a', t, { textPos: i }), up('KeyA', t + 60));
  const events = stream(specs);
  const userId = await createUser(db.pool);
  const practiceText = 'a'.repeat(2000);
  const sessionId = await storeSession(db.pool, { userId, practiceText, events });
  const { analytics } = await computeSessionAnalytics(db.pool, sessionId, { fatigueWindowSec: 1 });
  assert.is(analytics.fatigue.windowSec, 10);
  assert.ok(analytics.fatigue.windows.length <= MAX_FATIGUE_WINDOWS && analytics.fatigue.windows.length >= MAX_FATIGUE_WINDOWS - 1, String(analytics.fatigue.windows.length));
  const expected = sessionReport({ sessionId, practiceText, events }, { fatigueWindowSec: 1 });
  assert.equal(compareFigures(analytics, expected), []);
  const short = sessionReport({ sessionId, practiceText, events: stream([down('KeyA', 'a', 0, { textPos: 0 }), up('KeyA', 60), down('KeyA', 'a', 5000, { textPos: 1 }), up('KeyA', 5060)]) }, { fatigueWindowSec: 1 });
  assert.is(short.fatigue.windowSec, 1, 'a short session keeps the width asked for');
});

test('a legacy session of 7 hours: 2-second series points (at most MAX_SERIES_POINTS), SQL agrees with the reference, range too', async () => {
  const specs = [];
  for (let i = 0, t = 0; t <= 7 * 3600 * 1000; i++, t += 10_000) specs.push(down('KeyA', 'a', t, { textPos: i % 2000 }), up('KeyA', t + 60));
  const events = stream(specs);
  const userId = await createUser(db.pool);
  const practiceText = 'a'.repeat(2000);
  const sessionId = await storeSession(db.pool, { userId, practiceText, events });
  const { analytics } = await computeSessionAnalytics(db.pool, sessionId, { fatigueWindowSec: 60 });
  assert.ok(analytics.series.length <= MAX_SERIES_POINTS, String(analytics.series.length));
  assert.is(analytics.series[1]!.second - analytics.series[0]!.second, 2);
  assert.is(analytics.series[0]!.rawWpm, 6, 'one key in 2 s: 6 wpm a second');
  const expected = sessionReport({ sessionId, practiceText, events }, { fatigueWindowSec: 60 });
  assert.equal(compareFigures(analytics, expected), []);
  await refreshSessions(db.pool, [sessionId]);
  const range = await queryRangeAnalytics(db.pool, [sessionId], null, null);
  const reference = rangeReport([{ sessionId, practiceText, events }], null, null);
  assert.equal(range.summary.consistency, reference.summary.consistency);
});

test.run();
