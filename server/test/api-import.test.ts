// POST /api/import against a real PostgreSQL: a JSON export of one account goes into
// another in chunks, comes back out the same, and a second import adds nothing.
import { randomUUID } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signedInBrowser } from './support/sidecar-fixtures.ts';
import { sidecarSuite } from './support/sidecar-suite.ts';
import type { TestBrowser } from './support/http-client.ts';
import { typedEvents } from './support/import-events.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '100000' });

/** The client's way: the session and its events in chunks of `size`. */
async function importChunks(browser: TestBrowser, session: Record<string, unknown>, events: Record<string, unknown>[], size = 250) {
  const answers = [];
  for (let at = 0; at === 0 || at < events.length; at += size) {
    const answer = await browser.post('/api/import', { session, events: events.slice(at, at + size) });
    assert.ok(answer.status === 200 || answer.status === 201, JSON.stringify(answer.body));
    answers.push(answer.body);
  }
  return answers;
}

const exported = async (browser: TestBrowser, path: string) => {
  const answer = await browser.get(path);
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  return answer.body as Record<string, any>[];
};

test('an export imported into a new account twice gives the same sessions and events once', async () => {
  const source = await signedInBrowser(env.sidecar);
  const texts = ['the quick brown fox jumps over the lazy dog', 'pack my box with five dozen liquor jugs '.repeat(8)];
  for (const [i, text] of texts.entries()) {
    const session = { sourceId: randomUUID(), mode: 'custom', startedAt: new Date(Date.UTC(2026, 0, 10 + i, 12)).toISOString(), endedAt: null };
    await importChunks(source.browser, session, typedEvents(text));
  }
  const sessions = await exported(source.browser, '/api/export/sessions.json');
  const events = await exported(source.browser, '/api/export/events.json');
  assert.is(sessions.length, 2);
  assert.is(events.length, texts.reduce((n, t) => n + t.length * 2, 0));

  const target = await signedInBrowser(env.sidecar);
  for (let round = 0; round < 2; round++) {
    for (const s of sessions) {
      const own = events.filter((e) => e.sessionId === s.sessionId).map(({ sessionId: _, ...e }) => e);
      const answers = await importChunks(target.browser, { sourceId: s.sessionId, mode: s.mode, startedAt: s.startedAt, endedAt: s.endedAt }, own);
      const inserted = answers.reduce((n, a) => n + a.inserted, 0);
      assert.is(inserted, round === 0 ? own.length : 0, `round ${round}: events added`);
      assert.is(answers[0].created, round === 0, `round ${round}: session created`);
    }
  }
  const again = await exported(target.browser, '/api/export/sessions.json');
  assert.is(again.length, 2, 'no duplicate sessions');
  assert.equal(again.map((s) => s.startedAt), sessions.map((s) => s.startedAt));
  assert.equal(again.map((s) => s.summary.counts.keystrokes), sessions.map((s) => s.summary.counts.keystrokes));
  const strip = (list: Record<string, any>[]) => list.map(({ sessionId: _, ...e }) => JSON.stringify(e));
  assert.equal(strip(await exported(target.browser, '/api/export/events.json')), strip(events));
});

test('the import is the caller\'s alone: the same export id in another account is another session', async () => {
  const a = await signedInBrowser(env.sidecar);
  const b = await signedInBrowser(env.sidecar);
  const session = { sourceId: randomUUID(), mode: 'words' };
  const [first] = await importChunks(a.browser, session, typedEvents('abc'));
  const [second] = await importChunks(b.browser, session, typedEvents('abc'));
  assert.ok(first.created && second.created);
  assert.is.not(first.sessionId, second.sessionId);
  assert.is((await b.browser.get(`/api/sessions/${first.sessionId}`)).status, 404);
});

test('bad input is refused with the field named; oversized chunks and no token too', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const bad = await browser.post('/api/import', { session: { sourceId: 'nope', mode: 'timed' }, events: [] });
  assert.is(bad.status, 400);
  assert.is(bad.body.error.code, 'VALIDATION_FAILED');
  assert.ok('session.sourceId' in bad.body.error.details.fields, JSON.stringify(bad.body));
  const tooMany = await browser.post('/api/import', { session: { sourceId: randomUUID(), mode: 'timed' }, events: typedEvents('x'.repeat(201)).map((e) => ({ ...e, code: 'KeyX' })) });
  assert.is(tooMany.status, 400);
  const anonymous = env.sidecar.browser();
  assert.is((await anonymous.post('/api/import', { session: { sourceId: randomUUID(), mode: 'timed' }, events: [] })).status, 401);
});

test.run();
