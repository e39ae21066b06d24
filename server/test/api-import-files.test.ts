// POST /api/import/files against a real PostgreSQL: a whole JSON export in one request,
// idempotent by each session's origin, all or nothing, honest about what is missing.
import { randomUUID } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signedInBrowser } from './support/sidecar-fixtures.ts';
import { sidecarSuite } from './support/sidecar-suite.ts';
import type { TestBrowser } from './support/http-client.ts';
import { typedEvents } from './support/import-events.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '100000' });

type Row = Record<string, any>;

const exported = async (browser: TestBrowser, path: string): Promise<Row[]> => {
  const answer = await browser.get(path);
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  return answer.body as Row[];
};

/** An account with `count` sessions of typing, and its JSON export. */
async function accountWithSessions(count: number) {
  const account = await signedInBrowser(env.sidecar);
  const sessions = Array.from({ length: count }, (_, i) => ({
    sessionId: randomUUID(), mode: 'words', startedAt: new Date(Date.UTC(2026, 1, 1 + i, 9)).toISOString(), endedAt: null, eventCount: 0,
  }));
  const events = sessions.flatMap((s, i) => typedEvents(`session ${i} `.repeat(3)).map((e) => ({ ...e, sessionId: s.sessionId })));
  const seeded = await account.browser.post('/api/import/files', { sessions: sessions.map((s) => ({ ...s, eventCount: 1 })), events });
  assert.is(seeded.status, 200, JSON.stringify(seeded.body));
  return { ...account, sessions: await exported(account.browser, '/api/export/sessions.json'), events: await exported(account.browser, '/api/export/events.json') };
}

/** The request the page sends for a sessions file and an events file. */
const filesBody = (sessions: Row[], events: Row[], extra: Row = {}) => ({
  sessions: sessions.map((s) => ({ sessionId: s.sessionId, originId: s.originId, mode: s.mode, startedAt: s.startedAt, endedAt: s.endedAt, eventCount: s.eventCount })),
  events,
  ...extra,
});

test('exports carry each session\'s origin; importing them into the same account adds nothing', async () => {
  const source = await accountWithSessions(3);
  assert.is(source.sessions.length, 3);
  for (const s of source.sessions) assert.type(s.originId, 'string');
  const answer = await source.browser.post('/api/import/files', filesBody(source.sessions, source.events));
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  assert.equal(answer.body.sessions, { added: 0, alreadyPresent: 3, withoutKeystrokes: 0 });
  assert.is(answer.body.events.added, 0);
  assert.is((await exported(source.browser, '/api/export/sessions.json')).length, 3, 'no duplicate sessions');
});

test('an export imported into another account twice: everything the first time, "0 new, N already present" the second', async () => {
  const source = await accountWithSessions(4);
  const target = await signedInBrowser(env.sidecar);
  const first = await target.browser.post('/api/import/files', filesBody(source.sessions, source.events));
  assert.is(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.sessions, { added: 4, alreadyPresent: 0, withoutKeystrokes: 0 });
  assert.is(first.body.events.added, source.events.length);
  const second = await target.browser.post('/api/import/files', filesBody(source.sessions, source.events));
  assert.equal(second.body.sessions, { added: 0, alreadyPresent: 4, withoutKeystrokes: 0 });
  assert.equal(second.body.events, { added: 0, alreadyPresent: source.events.length });
  const again = await exported(target.browser, '/api/export/sessions.json');
  assert.equal(again.map((s) => s.startedAt), source.sessions.map((s) => s.startedAt));
  assert.equal(again.map((s) => s.originId), source.sessions.map((s) => s.originId), 'the origin travels on');
  // ... and back into the source account: still recognised as its own sessions.
  const back = await source.browser.post('/api/import/files', filesBody(again, await exported(target.browser, '/api/export/events.json')));
  assert.equal(back.body.sessions, { added: 0, alreadyPresent: 4, withoutKeystrokes: 0 });
});

test('a sessions file without its events is refused, or imported on request marked "no keystrokes" and completed later', async () => {
  const source = await accountWithSessions(2);
  const target = await signedInBrowser(env.sidecar);
  const refused = await target.browser.post('/api/import/files', filesBody(source.sessions, []));
  assert.is(refused.status, 422);
  assert.is(refused.body.error.code, 'IMPORT_EVENTS_MISSING');
  assert.is(refused.body.error.details.sessions, 2);
  assert.is((await exported(target.browser, '/api/export/sessions.json')).length, 0, 'nothing stored');

  const accepted = await target.browser.post('/api/import/files', filesBody(source.sessions, [], { withoutKeystrokes: true }));
  assert.equal(accepted.body.sessions, { added: 2, alreadyPresent: 0, withoutKeystrokes: 2 });
  const marked = await exported(target.browser, '/api/export/sessions.json');
  assert.equal(marked.map((s) => [s.noKeystrokes, s.eventCount]), [[true, 0], [true, 0]]);

  const completed = await target.browser.post('/api/import/files', filesBody(source.sessions, source.events));
  assert.equal(completed.body.sessions, { added: 0, alreadyPresent: 2, withoutKeystrokes: 0 });
  assert.is(completed.body.events.added, source.events.length);
  const filled = await exported(target.browser, '/api/export/sessions.json');
  assert.equal(filled.map((s) => s.noKeystrokes), [false, false]);
  assert.equal(filled.map((s) => s.eventCount), source.sessions.map((s) => s.eventCount));
});

test('events whose session is in neither the file nor the account are reported, not stored', async () => {
  const source = await accountWithSessions(2);
  const target = await signedInBrowser(env.sidecar);
  const answer = await target.browser.post('/api/import/files', filesBody(source.sessions.slice(0, 1), source.events));
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  const orphans = source.events.filter((e) => e.sessionId === source.sessions[1]!.sessionId).length;
  assert.equal(answer.body.orphanEvents, { sessions: 1, events: orphans });
  assert.is(answer.body.events.added, source.events.length - orphans);
});

test('an import is all or nothing: one bad event anywhere stores no session and no event', async () => {
  const source = await accountWithSessions(3);
  const target = await signedInBrowser(env.sidecar);
  const events = source.events.map((e, i) => (i === source.events.length - 1 ? { ...e, type: 7 } : e));
  const answer = await target.browser.post('/api/import/files', filesBody(source.sessions, events));
  assert.is(answer.status, 400);
  assert.is(answer.body.error.code, 'VALIDATION_FAILED');
  assert.is((await exported(target.browser, '/api/export/sessions.json')).length, 0);
});

test('the import takes bodies far over the API\'s usual 64 KB, and only this route does', async () => {
  const account = await signedInBrowser(env.sidecar);
  const session = { sessionId: randomUUID(), mode: 'custom', startedAt: new Date().toISOString(), endedAt: null, eventCount: 1 };
  const events = typedEvents('a long session of typing '.repeat(40)).map((e) => ({ ...e, sessionId: session.sessionId }));
  assert.ok(JSON.stringify(events).length > 150_000);
  const answer = await account.browser.post('/api/import/files', { sessions: [session], events });
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  assert.is(answer.body.events.added, events.length);
  const elsewhere = await account.browser.post('/api/import', { session: { sourceId: randomUUID(), mode: 'custom' }, events: events.slice(0, 1000) });
  assert.is(elsewhere.status, 413);
});

test('the older chunk route (POST /api/import) also recognises the account\'s own sessions', async () => {
  const source = await accountWithSessions(1);
  const own = source.sessions[0]!;
  const events = source.events.map(({ sessionId: _, ...e }) => e).slice(0, 50);
  const answer = await source.browser.post('/api/import', { session: { sourceId: own.sessionId, mode: own.mode, startedAt: own.startedAt }, events });
  assert.is(answer.status, 200, JSON.stringify(answer.body));
  assert.equal([answer.body.created, answer.body.inserted, answer.body.sessionId], [false, 0, own.sessionId]);
  assert.is((await exported(source.browser, '/api/export/sessions.json')).length, 1);
});

test('a caller who is not signed in is refused before the body is read', async () => {
  const stranger = env.sidecar.browser();
  const answer = await stranger.post('/api/import/files', { sessions: [], events: [] });
  assert.is(answer.status, 401);
  const malformed = await stranger.request('POST', '/api/import/files', { headers: { 'content-type': 'application/json' }, json: undefined });
  assert.is(malformed.status, 401, 'not a 400 about the body: it was never parsed');
});

test.run();
