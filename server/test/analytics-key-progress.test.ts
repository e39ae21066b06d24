// GET /api/analytics/keys/:letter: one letter's speed and accuracy per session, the data of
// the per-key progress chart, equal to the TypeScript reference (shared/metrics/learning.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveKeydowns } from '../../shared/metrics/derive.ts';
import { sessionLetterSamples } from '../../shared/metrics/learning.ts';
import { generateSession, REALISTIC } from '../../shared/metrics/testing/keystroke-streams.ts';
import { storeSession } from './support/analytics-fixtures.ts';
import { signedInBrowser } from './support/sidecar-fixtures.ts';
import { sidecarSuite } from './support/sidecar-suite.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false' });

test('a point per session that typed the letter, oldest first, with the reference figures; nobody else\'s', async () => {
  const owner = await signedInBrowser(env.sidecar);
  const stranger = await signedInBrowser(env.sidecar);
  const stored = [];
  for (let i = 0; i < 3; i++) {
    const generated = generateSession(i + 7, { ...REALISTIC, characters: 200 });
    const id = await storeSession(env.db.pool, { userId: owner.userId, startedAt: new Date(Date.UTC(2026, 2, 3 - i)), ...generated });
    stored.push({ id, startedAt: Date.UTC(2026, 2, 3 - i), samples: sessionLetterSamples(deriveKeydowns(generated.events, generated.practiceText)) });
  }
  stored.sort((a, b) => a.startedAt - b.startedAt);
  const letter = [...stored[0]!.samples.entries()].sort((a, b) => b[1].hits - a[1].hits)[0]![0];
  const answer = await owner.browser.get(`/api/analytics/keys/${encodeURIComponent(letter)}`);
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  const expected = stored.filter((s) => s.samples.has(letter));
  assert.equal(answer.body.points.map((p: { sessionId: string }) => p.sessionId), expected.map((s) => s.id));
  for (const [i, point] of answer.body.points.entries()) {
    const sample = expected[i]!.samples.get(letter)!;
    assert.equal([point.hits, point.misses], [sample.hits, sample.misses]);
    assert.ok(Math.abs(point.meanMs - sample.timeSumUs / sample.timeCount / 1000) < 1e-6);
  }
  assert.equal((await stranger.browser.get(`/api/analytics/keys/${encodeURIComponent(letter)}`)).body.points, []);
  assert.is((await owner.browser.get('/api/analytics/keys/toolong')).status, 400);
});

test.run();
