// The public routes: GET /api/config for the page, and POST /api/system/logs, the
// browser's log lines written to ours (validated, never crashing, limited per IP).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import { signedInBrowser, startTestSidecar } from './support/sidecar-fixtures.ts';
import { sidecarSuite } from './support/sidecar-suite.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false' });
const packageVersion = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;


/** The frontend_log lines written since `from`, parsed. */
function frontendLines(logs: string[], from = 0): Array<Record<string, any>> {
  return logs.slice(from).map((l) => JSON.parse(l)).filter((l) => l.event === 'frontend_log');
}

test('GET /api/config tells the page where to stream and what it may offer, without a token', async () => {
  const response = await env.sidecar.browser().get('/api/config');
  assert.is(response.status, 200);
  assert.equal(response.body, { ingestUrl: 'ws://localhost:8081/ws', socketIoPath: '/socket.io/', googleOAuth: false, version: packageVersion });
  const configured = await startTestSidecar(env.db.url, env.db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', GOOGLE_CLIENT_ID: 'id.apps.googleusercontent.com', INGEST_PUBLIC_URL: 'wss://typing.example/ws' });
  try {
    const other = await configured.browser().get('/api/config');
    assert.is(other.body.googleOAuth, true);
    assert.is(other.body.ingestUrl, 'wss://typing.example/ws');
    const session = await (await signedInBrowser(configured)).browser.post('/api/sessions', { mode: 'zen' });
    assert.is(session.body.ingest.ingestUrl, 'wss://typing.example/ws', 'tickets point somewhere else than /api/config');
  } finally {
    await configured.close();
  }
});

test('log lines are written as frontend_log events, naming the user when the token is valid', async () => {
  const { browser, userId } = await signedInBrowser(env.sidecar);
  const from = env.sidecar.logs.length;
  const response = await browser.post('/api/system/logs', {
    entries: [
      { level: 'error', message: 'ingest socket closed', context: { code: 1006, attempt: 3 }, at: '2024-05-01T10:00:00.000Z' },
      { level: 'warn', message: 'slow frame %s %d', context: { event: 'not-ours', level: 'fatal' } },
      { level: 'log', message: 'plain console.log' },
    ],
  }, { headers: { 'user-agent': 'TestBrowser/1.0' } });
  assert.is(response.status, 202, JSON.stringify(response.body));
  assert.equal(response.body, { accepted: 3 });
  const lines = frontendLines(env.sidecar.logs, from);
  assert.is(lines.length, 3);
  const [error, warn, log] = lines as [Record<string, any>, Record<string, any>, Record<string, any>];
  assert.equal({ level: error.level, source: error.source, userId: error.userId, message: error.message, context: error.context, clientTime: error.clientTime, userAgent: error.userAgent },
    { level: 'error', source: 'frontend', userId, message: 'ingest socket closed', context: { code: 1006, attempt: 3 }, clientTime: '2024-05-01T10:00:00.000Z', userAgent: 'TestBrowser/1.0' });
  // The browser's own fields stay under context: it cannot rename the event or raise the level.
  assert.equal({ event: warn.event, level: warn.level, message: warn.message, context: warn.context }, { event: 'frontend_log', level: 'warn', message: 'slow frame %s %d', context: { event: 'not-ours', level: 'fatal' } });
  assert.is(log.level, 'info');
  const raw = env.sidecar.logs.slice(from).find((l) => l.includes('ingest socket closed'))!;
  assert.ok(raw.includes('"event":"frontend_log"'));
});

test('a request without a token, or with an expired or forged one, is still written, without a user', async () => {
  const anonymous = env.sidecar.browser();
  const forged = env.sidecar.browser();
  forged.accessToken = 'forged.token.value';
  for (const browser of [anonymous, forged]) {
    const from = env.sidecar.logs.length;
    const response = await browser.post('/api/system/logs', { entries: [{ level: 'info', message: 'page loaded' }] });
    assert.is(response.status, 202);
    const [line] = frontendLines(env.sidecar.logs, from);
    assert.ok(line, 'nothing written');
    assert.is(line.userId, undefined);
    assert.is(line.message, 'page loaded');
  }
});

test('odd but valid input is written as it came, without crashing', async () => {
  const from = env.sidecar.logs.length;
  const nested: Record<string, unknown> = {};
  let cursor = nested;
  for (let i = 0; i < 100; i++) cursor = (cursor.child = {});
  const odd = { constructor: { prototype: { polluted: true } }, toString: 'not a function' };
  const response = await env.sidecar.browser().post('/api/system/logs', {
    entries: [
      { level: 'debug', message: '' },
      { level: 'info', message: 'ünïcödé 🙂 \u0007 "quotes" \n newline', context: nested },
      { level: 'error', message: 'prototype keys', context: odd },
      { level: 'warn', message: 'x'.repeat(2000) },
    ],
  });
  assert.is(response.status, 202, JSON.stringify(response.body));
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  assert.is(typeof ({}).toString, 'function');
  const lines = frontendLines(env.sidecar.logs, from);
  // debug is below the test logger's level (info): accepted, filtered by LOG_LEVEL like any debug line.
  assert.equal(lines.map((l) => l.level), ['info', 'error', 'warn']);
  assert.is(lines[0]!.message, 'ünïcödé 🙂 \u0007 "quotes" \n newline');
  assert.ok(JSON.stringify(lines[1]!.context).includes('polluted'));
  assert.is(lines[2]!.message.length, 2000);
});

test('invalid log requests are a 400 naming the field, and nothing is written', async () => {
  const browser = env.sidecar.browser();
  const entry = { level: 'info', message: 'ok' };
  const cases: Array<[unknown, string]> = [
    [{}, 'entries'],
    [{ entries: [] }, 'entries'],
    [{ entries: Array.from({ length: 51 }, () => entry) }, 'entries'],
    [{ entries: [{ level: 'fatal', message: 'x' }] }, 'entries.0.level'],
    [{ entries: [{ level: 'info' }] }, 'entries.0.message'],
    [{ entries: [entry, { level: 'info', message: 'x'.repeat(2001) }] }, 'entries.1.message'],
    [{ entries: [{ ...entry, context: ['a', 'b'] }] }, 'entries.0.context'],
    [{ entries: [{ ...entry, context: 'text' }] }, 'entries.0.context'],
    [{ entries: [{ ...entry, context: { blob: 'x'.repeat(4100) } }] }, 'entries.0.context'],
    [{ entries: [{ ...entry, at: 'yesterday' }] }, 'entries.0.at'],
    [{ entries: entry }, 'entries'],
    [{ entries: [entry], extra: true }, 'extra'],
    [[entry], '(body)'],
  ];
  const from = env.sidecar.logs.length;
  for (const [body, field] of cases) {
    const response = await browser.post('/api/system/logs', body);
    assert.is(response.status, 400, JSON.stringify([body, response.body]).slice(0, 300));
    assert.is(response.body.error.code, 'VALIDATION_FAILED');
    assert.ok(field in response.body.error.details.fields, `${field}: ${JSON.stringify(response.body.error.details)}`);
  }
  const raw = await fetch(`${env.sidecar.base}/api/system/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"entries":[' });
  assert.is(raw.status, 400);
  // The body parser refuses a __proto__ key before any route sees it.
  const poisoned = await fetch(`${env.sidecar.base}/api/system/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"entries":[{"level":"info","message":"x","context":{"__proto__":{"polluted":true}}}]}' });
  assert.is(poisoned.status, 400);
  assert.is(({} as Record<string, unknown>).polluted, undefined);
  const text = await fetch(`${env.sidecar.base}/api/system/logs`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' });
  assert.is(text.status, 415);
  const huge = await fetch(`${env.sidecar.base}/api/system/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ entries: [{ level: 'info', message: 'x'.repeat(70_000) }] }) });
  assert.is(huge.status, 413);
  assert.is(frontendLines(env.sidecar.logs, from).length, 0, 'an invalid request was written');
});

test('log requests are limited per IP: the 61st in a minute is a 429 and is not written', async () => {
  const limited = await startTestSidecar(env.db.url, env.db.pool, { RATE_LIMIT_PER_MINUTE: '100000' });
  try {
    const browser = limited.browser();
    for (let i = 0; i < 60; i++) {
      const response = await browser.post('/api/system/logs', { entries: [{ level: 'info', message: `line ${i}` }] });
      assert.is(response.status, 202, `request ${i + 1}`);
    }
    const refused = await browser.post('/api/system/logs', { entries: [{ level: 'info', message: 'one too many' }] });
    assert.is(refused.status, 429);
    assert.is(refused.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    const lines = frontendLines(limited.logs);
    assert.is(lines.length, 60);
    assert.not.ok(lines.some((l) => l.message === 'one too many'));
  } finally {
    await limited.close();
  }
});

test.run();
