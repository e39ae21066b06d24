// Session analytics in SQL against the TypeScript reference (shared/metrics): a hand-worked
// session, the awkward cases, and random streams with random windows.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sessionReport } from '../../../shared/metrics/reports.ts';
import { compareFigures } from '../../../shared/metrics/testing/compare-figures.ts';
import { down, stream, up } from '../../../shared/metrics/testing/events.ts';
import { generateSession, randomProfile } from '../../../shared/metrics/testing/keystroke-streams.ts';
import { SeededRandom } from '../../../shared/seeded-random.ts';
import { storeSession } from '../../test/support/analytics-fixtures.ts';
import { type TestDatabase } from '../../test/support/database.ts';
import { databaseWithUser } from '../../test/support/user-database.ts';
import { computeSessionAnalytics, type SessionScope } from '../queries/session-query.ts';
import type { StoredKeystroke } from '../../../shared/metrics/keystroke.ts';

const RANDOM_SESSIONS = 150;
let db: TestDatabase;
let userId: string;

databaseWithUser((made) => ({ db, userId } = made));

async function agree(practiceText: string, events: StoredKeystroke[], scope: SessionScope, label: string) {
  const sessionId = await storeSession(db.pool, { userId, practiceText, events });
  const { analytics } = await computeSessionAnalytics(db.pool, sessionId, scope);
  const expected = sessionReport({ sessionId, practiceText, events }, scope);
  const differences = compareFigures(analytics, expected);
  assert.equal(differences, [], `${label}: SQL differs from the reference\n${differences.join('\n')}`);
  return analytics;
}

test('a hand-worked session: SQL gives the figures worked out on paper', async () => {
  const events = stream([
    down('KeyA', 'a', 0, { textPos: 0 }), down('KeyB', 'b', 80, { textPos: 1 }), up('KeyA', 100), up('KeyB', 150),
    down('KeyX', 'x', 300, { textPos: 2, isError: true }), up('KeyX', 350), down('Backspace', 'Backspace', 500), up('Backspace', 560),
    down('KeyC', 'c', 700, { textPos: 2 }), up('KeyC', 790),
  ]);
  const a = await agree('abc', events, { fatigueWindowSec: 60 }, 'abc');
  assert.is(a.summary.durationMs, 790);
  assert.ok(Math.abs(a.summary.speed.rawWpm! - 4 / 5 / (0.79 / 60)) < 1e-9);
  assert.equal([a.summary.dwell.meanMs, a.summary.dwell.medianMs, a.summary.dwell.p10Ms, a.summary.dwell.p90Ms], [74, 70, 54, 96]);
  assert.equal([a.summary.flight.meanMs, a.summary.flight.medianMs, a.summary.rollover.ratio], [105, 145, 0.25]);
  assert.equal(a.confusion, [{ expected: 'c', typed: 'x', count: 1 }]);
});

test('awkward sessions: empty, keyups only, one key, repeats only, text with non-ASCII letters', async () => {
  await agree('abc', [], { fatigueWindowSec: 60 }, 'empty');
  await agree('abc', stream([up('KeyA', 0), up('ShiftLeft', 5)]), { fatigueWindowSec: 60 }, 'keyups only');
  await agree('abc', stream([down('KeyA', 'a', 0, { textPos: 0 }), up('KeyA', 90)]), { fatigueWindowSec: 1 }, 'one key');
  await agree('', stream([down('KeyA', 'a', 0), down('KeyA', 'a', 500, { flags: 1 }), down('KeyA', 'a', 533, { flags: 1 })]), { fatigueWindowSec: 1 }, 'held key, no keyup');
  const text = 'Kéß😀z';
  const events = stream([...text].flatMap((ch, i) => [down(i === 0 ? 'KeyK' : 'Unidentified', ch, i * 150, { textPos: i }), up(i === 0 ? 'KeyK' : 'Unidentified', i * 150 + 60)]));
  const a = await agree(text, events, { fatigueWindowSec: 60 }, 'non-ASCII');
  assert.equal(a.digraphs, [], 'K (Kelvin sign), é, ß and 😀 are not a-z letters');
  const windowed = await agree('abc', stream([down('KeyA', 'a', 0), up('KeyA', 80)]), { fromUs: 5_000_000, toUs: 9_000_000, fatigueWindowSec: 1 }, 'window after the end');
  assert.is(windowed.summary.durationMs, 0);
});

test(`${RANDOM_SESSIONS} random sessions, with random windows and fatigue windows, agree with the reference`, async () => {
  const rng = new SeededRandom(20_260_101);
  for (let i = 0; i < RANDOM_SESSIONS; i++) {
    const profile = randomProfile(rng);
    const session = generateSession(10_000 + i, profile);
    const scope: SessionScope = { fatigueWindowSec: 1 + rng.below(30) };
    if (rng.below(3) === 0) {
      scope.fromUs = rng.below(8) * 1_000_000 + rng.pick([0, 250_000, 1]);
      if (rng.below(2) === 0) scope.toUs = scope.fromUs + 1 + rng.below(40_000_000);
    }
    await agree(session.practiceText, session.events, scope, `session ${i} ${JSON.stringify(profile)} ${JSON.stringify(scope)}`);
  }
});

test.run();
