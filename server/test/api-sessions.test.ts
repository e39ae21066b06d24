// Typing sessions over HTTP against a real PostgreSQL: create with an ingest ticket, read,
// fresh tickets, end, delete, and that nobody but the owner sees or changes a session.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import { TICKET_TTL_SECONDS, WATCH_TICKET_TTL_SECONDS } from '../auth/tickets.ts';
import { signedInBrowser } from './support/sidecar-fixtures.ts';
import { sidecarSuite } from './support/sidecar-suite.ts';
import { eventually } from './support/processes.ts';
import { batchRowCount, storeTypingRows } from './support/ingest-fixtures.ts';
import type { TestBrowser } from './support/http-client.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false' });


async function newSession(browser: TestBrowser, body: Record<string, unknown> = { mode: 'timed', config: { duration: 30 } }): Promise<string> {
  const created = await browser.post('/api/sessions', body);
  assert.is(created.status, 201, JSON.stringify(created.body));
  return created.body.session.id;
}

test('creating a session answers 201 with the session and an ingest ticket naming user and session', async () => {
  const { browser, userId } = await signedInBrowser(env.sidecar);
  const created = await browser.post('/api/sessions', {
    mode: 'timed', config: { duration: 60, view: 'rolling', stopOnError: true }, practiceText: 'the quick brown fox', keyboardLayout: 'dvorak',
  });
  assert.is(created.status, 201, JSON.stringify(created.body));
  const { session, ingest } = created.body;
  assert.is(created.headers.get('location'), `/api/sessions/${session.id}`);
  assert.is(session.mode, 'timed');
  assert.equal(session.config, { duration: 60, view: 'rolling', stopOnError: true });
  assert.is(session.practiceText, 'the quick brown fox');
  assert.is(session.keyboardLayout, 'dvorak');
  assert.is(session.endedAt, null);
  assert.is(session.eventCount, 0);
  assert.ok(Math.abs(Date.parse(session.startedAt) - Date.now()) < 60_000);
  assert.is(ingest.expiresIn, TICKET_TTL_SECONDS);
  assert.is(ingest.ingestUrl, 'ws://localhost:8081/ws');
  const check = env.sidecar.deps.tickets.verify(ingest.ticket, ['ingest']);
  assert.ok(check.ok, JSON.stringify(check));
  if (check.ok) {
    assert.is(check.claims.userId, userId);
    assert.is(check.claims.sessionId, session.id);
  }
  assert.not.ok(env.sidecar.deps.tickets.verify(ingest.ticket, ['watch']).ok, 'an ingest ticket passed as a watch ticket');
  const { rows } = await env.db.pool.query('SELECT user_id, mode, keyboard_layout, config FROM typing_sessions WHERE id = $1', [session.id]);
  assert.equal(rows[0], { user_id: userId, mode: 'timed', keyboard_layout: 'dvorak', config: { duration: 60, view: 'rolling', stopOnError: true } });
  const read = await browser.get(`/api/sessions/${session.id}`);
  assert.is(read.status, 200);
  assert.equal(read.body.session, session);
});

test('every mode can be started with what it needs, and defaults fill the rest', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const builtIn = (await env.db.pool.query("SELECT id FROM word_sets WHERE slug = 'english-200' AND owner_id IS NULL")).rows[0].id;
  const bodies = [
    { mode: 'words', config: { wordCount: 25 }, wordSetId: builtIn },
    { mode: 'quote', practiceText: 'To be, or not to be.' },
    { mode: 'custom', practiceText: 'x'.repeat(20_000) },
    { mode: 'zen' },
  ];
  for (const body of bodies) {
    const created = await browser.post('/api/sessions', body);
    assert.is(created.status, 201, JSON.stringify([body.mode, created.body]));
    assert.is(created.body.session.keyboardLayout, 'qwerty-us');
  }
  const words = await browser.post('/api/sessions', bodies[0]);
  assert.is(words.body.session.wordSetId, builtIn);
});

test('bad input is a 400 that names the field, never a 500', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const other = await signedInBrowser(env.sidecar);
  const theirs = await other.browser.post('/api/word-sets', { name: 'Private list', words: ['secret'] });
  assert.is(theirs.status, 201);
  const cases: Array<[unknown, string]> = [
    [{ mode: 'sprint' }, 'mode'],
    [{}, 'mode'],
    [{ mode: 'timed' }, 'config.duration'],
    [{ mode: 'timed', config: { duration: 301 } }, 'config.duration'],
    [{ mode: 'timed', config: { duration: 2.5 } }, 'config.duration'],
    [{ mode: 'words', config: { wordCount: 0 } }, 'config.wordCount'],
    [{ mode: 'zen', config: { view: 'grid' } }, 'config.view'],
    [{ mode: 'zen', config: { colour: 'red' } }, 'config.colour'],
    [{ mode: 'zen', config: 'fast' }, 'config'],
    [{ mode: 'custom' }, 'practiceText'],
    [{ mode: 'quote', practiceText: '   ' }, 'practiceText'],
    [{ mode: 'zen', practiceText: 'x'.repeat(20_001) }, 'practiceText'],
    [{ mode: 'zen', practiceText: 'a\u0000b' }, 'practiceText'],
    [{ mode: 'zen', keyboardLayout: 'klingon' }, 'keyboardLayout'],
    [{ mode: 'zen', wordSetId: 'english-200' }, 'wordSetId'],
    [{ mode: 'zen', wordSetId: randomUUID() }, 'wordSetId'],
    [{ mode: 'zen', wordSetId: theirs.body.wordSet.id }, 'wordSetId'],
    [{ mode: 'zen', owner: 'someone-else' }, 'owner'],
    [['zen'], '(body)'],
  ];
  for (const [body, field] of cases) {
    const response = await browser.post('/api/sessions', body);
    assert.is(response.status, 400, JSON.stringify([body, response.body]).slice(0, 300));
    assert.is(response.body.error.code, 'VALIDATION_FAILED');
    assert.ok(field in response.body.error.details.fields, `${field} not named in ${JSON.stringify(response.body.error.details)}`);
  }
  const badId = await browser.get('/api/sessions/not-a-uuid');
  assert.is(badId.status, 400);
  assert.ok('id' in badId.body.error.details.fields);
  const mine = await browser.get('/api/sessions');
  assert.is(mine.body.total, 0, 'a refused session was stored');
});

test('every session route answers 401 without a valid token', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const id = await newSession(browser);
  const stranger = env.sidecar.browser();
  const forged = env.sidecar.browser();
  forged.accessToken = 'not.a.token';
  const calls: Array<[string, string]> = [
    ['POST', '/api/sessions'], ['GET', '/api/sessions'], ['GET', `/api/sessions/${id}`], ['POST', `/api/sessions/${id}/ticket`],
    ['POST', `/api/sessions/${id}/watch-ticket`], ['POST', `/api/sessions/${id}/end`], ['DELETE', `/api/sessions/${id}`], ['POST', '/api/sessions/claim'],
  ];
  for (const [method, path] of calls) {
    for (const [who, code] of [[stranger, 'TOKEN_MISSING'], [forged, 'TOKEN_INVALID']] as const) {
      const response = await who.request(method, path, method === 'POST' ? { json: { mode: 'zen' } } : {});
      assert.is(response.status, 401, `${method} ${path}`);
      assert.is(response.body.error.code, code, `${method} ${path}`);
    }
  }
  assert.is((await browser.get(`/api/sessions/${id}`)).body.session.endedAt, null, 'an unauthenticated call changed the session');
});

test("another user's session is a 404 on every route, exactly like a missing one, and stays untouched", async () => {
  const owner = await signedInBrowser(env.sidecar);
  const intruder = await signedInBrowser(env.sidecar);
  const id = await newSession(owner.browser);
  const missing = randomUUID();
  for (const [method, suffix] of [['GET', ''], ['POST', '/ticket'], ['POST', '/watch-ticket'], ['POST', '/end'], ['DELETE', '']] as const) {
    const foreign = await intruder.browser.request(method, `/api/sessions/${id}${suffix}`, method === 'POST' ? { json: {} } : {});
    const absent = await intruder.browser.request(method, `/api/sessions/${missing}${suffix}`, method === 'POST' ? { json: {} } : {});
    assert.is(foreign.status, 404, `${method} ${suffix}`);
    assert.is(foreign.body.error.code, 'SESSION_NOT_FOUND');
    assert.equal(foreign.body, absent.body, 'a foreign session answers differently from a missing one');
  }
  const listed = await intruder.browser.get('/api/sessions');
  assert.is(listed.body.total, 0);
  const still = await owner.browser.get(`/api/sessions/${id}`);
  assert.is(still.status, 200);
  assert.is(still.body.session.endedAt, null);
});

test('a session ended over REST has its small batch rows compacted after the reply', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const id = await newSession(browser);
  const rows = () => batchRowCount(env.db.pool, id);
  await storeTypingRows(env.db.pool, id, 30);
  assert.is(await rows(), 30);
  assert.is((await browser.post(`/api/sessions/${id}/end`)).status, 200);
  assert.ok(await eventually(async () => (await rows()) === 1, 5000), 'the ended session was not compacted');
  const events = (await env.db.pool.query<{ n: number; seqs: number }>('SELECT count(*)::int AS n, count(DISTINCT batch_seq)::int AS seqs FROM keystrokes WHERE session_id = $1', [id])).rows[0];
  assert.equal(events, { n: 60, seqs: 30 });
});

test('an open session gets fresh ingest and watch tickets; an ended one gets none; ending twice keeps the first end', async () => {
  const { browser, userId } = await signedInBrowser(env.sidecar);
  const id = await newSession(browser);
  const ticket = await browser.post(`/api/sessions/${id}/ticket`);
  assert.is(ticket.status, 200);
  assert.is(ticket.body.expiresIn, TICKET_TTL_SECONDS);
  assert.is(ticket.body.ingestUrl, 'ws://localhost:8081/ws');
  const ingest = env.sidecar.deps.tickets.verify(ticket.body.ticket, ['ingest']);
  assert.ok(ingest.ok && ingest.claims.sessionId === id && ingest.claims.userId === userId, JSON.stringify(ingest));
  const watch = await browser.post(`/api/sessions/${id}/watch-ticket`);
  assert.is(watch.status, 200);
  assert.is(watch.body.expiresIn, WATCH_TICKET_TTL_SECONDS, 'a shared watch link outlives reconnects');
  const watchCheck = env.sidecar.deps.tickets.verify(watch.body.ticket, ['watch']);
  assert.ok(watchCheck.ok && watchCheck.claims.sessionId === id && watchCheck.claims.audience === 'watch', JSON.stringify(watchCheck));
  assert.not.ok(env.sidecar.deps.tickets.verify(watch.body.ticket, ['ingest']).ok, 'a watch ticket opens the stream for typing');

  const ended = await browser.post(`/api/sessions/${id}/end`);
  assert.is(ended.status, 200);
  assert.ok(ended.body.session.endedAt);
  await new Promise((resolve) => setTimeout(resolve, 20));
  const again = await browser.post(`/api/sessions/${id}/end`);
  assert.is(again.status, 200);
  assert.is(again.body.session.endedAt, ended.body.session.endedAt, 'ending again moved the end');
  for (const path of ['ticket', 'watch-ticket']) {
    const refused = await browser.post(`/api/sessions/${id}/${path}`);
    assert.is(refused.status, 409, path);
    assert.is(refused.body.error.code, 'SESSION_ENDED');
  }
});

test('deleting a session removes it and its keystrokes, and nothing of other sessions', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const doomed = await newSession(browser);
  const kept = await newSession(browser);
  for (const sessionId of [doomed, kept]) {
    await env.db.pool.query(
      `INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits)
       VALUES ($1, 1, '{0,80000}', '{KeyA,KeyA}', '{a,a}', '{-1,-1}', keystroke_event_bits('{0,1}', '{f,f}', '{0,0}', '{0,0}'))`,
      [sessionId],
    );
  }
  const deleted = await browser.request('DELETE', `/api/sessions/${doomed}`);
  assert.is(deleted.status, 204);
  assert.is((await browser.get(`/api/sessions/${doomed}`)).status, 404);
  assert.is((await browser.request('DELETE', `/api/sessions/${doomed}`)).status, 404);
  const count = async (id: string) => (await env.db.pool.query('SELECT count(*)::int AS n FROM keystrokes WHERE session_id = $1', [id])).rows[0].n;
  assert.is(await count(doomed), 0, 'keystrokes outlived their session');
  assert.is(await count(kept), 2);
  assert.is((await browser.get(`/api/sessions/${kept}`)).status, 200);
});

test.run();
