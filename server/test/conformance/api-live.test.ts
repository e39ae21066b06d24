// Every route of shared/api's table, called on a running sidecar with a real database: each
// answers a status its entry documents, with a body that parses with its schema (or the
// error schema). A server answer the contract does not describe fails here, and so does a
// route of the table this suite never calls. The routes' own tests check what the answers
// mean; this suite checks that they are what a client written from the contract expects.
import { randomUUID } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROUTES } from '../../../shared/api/routes.ts';
import { tableRoutes, missingFrom, mountedRoutes } from './api-route-table.ts';
import { callRoute, called, expectStatus } from './api-live-support.ts';
import { createHttpApp } from '../../http/app.ts';
import { API_ROUTES } from '../../http/api-routes.ts';
import { signedInBrowser } from '../support/sidecar-fixtures.ts';
import { sidecarSuite } from '../support/sidecar-suite.ts';
import type { TestBrowser } from '../support/http-client.ts';

const LOADTEST_TOKEN = 'conformance-loadtest-token-0123456789';
const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false', RATE_LIMIT_PER_MINUTE: '100000', LOADTEST_TOKEN });
const tokenIn = (text: string) => /token=([A-Za-z0-9_-]+)/.exec(text)?.[1] ?? '';
const uniqueEmail = (tag: string) => `${tag}-${randomUUID().slice(0, 8)}@example.com`;

/** Keydown and keyup for each character of `text`, 150 ms apart, in one batch. */
function typedEvents(text: string) {
  return Array.from(text).flatMap((char, i) => [0, 1].map((type) => ({
    batchSeq: 1, batchIdx: i * 2 + type, offsetUs: i * 150_000 + type * 80_000, type, code: char === ' ' ? 'Space' : `Key${char.toUpperCase()}`, key: char, textPos: i, finger: 0, isError: false, flags: 0,
  })));
}

let account: Awaited<ReturnType<typeof signedInBrowser>>;
let anonymous: TestBrowser;
let importedId = '';

test.before(async () => {
  account = await signedInBrowser(env.sidecar);
});

test('public routes: config, anonymous typist, logs', async () => {
  const browser = env.sidecar.browser();
  await expectStatus(browser, { method: 'GET', path: '/api/config' }, 200);
  anonymous = env.sidecar.browser();
  anonymous.accessToken = (await expectStatus(anonymous, { method: 'POST', path: '/api/anonymous' }, 201)).body.accessToken;
  await expectStatus(browser, { method: 'POST', path: '/api/system/logs', json: { entries: [{ level: 'info', message: 'conformance', context: { a: 1 } }] } }, 202);
  await expectStatus(browser, { method: 'POST', path: '/api/system/logs', json: { entries: [] } }, 400);
});

test('sessions: create, list, read, tickets, end, claim, delete', async () => {
  const { browser } = account;
  await expectStatus(env.sidecar.browser(), { method: 'GET', path: '/api/sessions' }, 401);
  const created = await expectStatus(browser, { method: 'POST', path: '/api/sessions', json: { mode: 'timed', config: { duration: 30 } } }, 201);
  const id = created.body.session.id as string;
  await expectStatus(browser, { method: 'POST', path: '/api/sessions', json: { mode: 'timed' } }, 400);
  await expectStatus(browser, { method: 'GET', path: '/api/sessions', query: { limit: '1' } }, 200);
  await expectStatus(browser, { method: 'GET', path: '/api/sessions/:id', params: { id } }, 200);
  await expectStatus(browser, { method: 'GET', path: '/api/sessions/:id', params: { id: randomUUID() } }, 404);
  await expectStatus(browser, { method: 'POST', path: '/api/sessions/:id/ticket', params: { id } }, 200);
  await expectStatus(browser, { method: 'POST', path: '/api/sessions/:id/watch-ticket', params: { id } }, 200);
  await expectStatus(browser, { method: 'POST', path: '/api/sessions/:id/end', params: { id } }, 200);
  await expectStatus(browser, { method: 'POST', path: '/api/sessions/:id/ticket', params: { id } }, 409);
  await expectStatus(browser, { method: 'DELETE', path: '/api/sessions/:id', params: { id } }, 204);
  const anonymousToken = anonymous.accessToken!;
  await expectStatus(anonymous, { method: 'POST', path: '/api/sessions', json: { mode: 'zen' } }, 201);
  await expectStatus(anonymous, { method: 'POST', path: '/api/sessions/claim', json: { anonymousAccessToken: anonymousToken } }, 403);
  await expectStatus(browser, { method: 'POST', path: '/api/sessions/claim', json: { anonymousAccessToken: anonymousToken } }, 200);
});

test('word sets and settings', async () => {
  const { browser } = account;
  await expectStatus(browser, { method: 'GET', path: '/api/word-sets' }, 200);
  const created = await expectStatus(browser, { method: 'POST', path: '/api/word-sets', json: { name: 'Conformance', words: ['alpha', 'beta'] } }, 201);
  const id = created.body.wordSet.id as string;
  await expectStatus(browser, { method: 'POST', path: '/api/word-sets', json: { name: 'conformance', words: ['x'] } }, 409);
  await expectStatus(browser, { method: 'GET', path: '/api/word-sets/:id', params: { id } }, 200);
  await expectStatus(browser, { method: 'PATCH', path: '/api/word-sets/:id', params: { id }, json: { words: ['gamma'] } }, 200);
  await expectStatus(browser, { method: 'GET', path: '/api/settings' }, 200);
  await expectStatus(browser, { method: 'PATCH', path: '/api/settings', json: { theme: 'paper', wordSetId: id, sound: { volume: 0.25 } } }, 200);
  await expectStatus(browser, { method: 'PATCH', path: '/api/settings', json: { colour: 'red' } }, 400);
  await expectStatus(browser, { method: 'DELETE', path: '/api/word-sets/:id', params: { id } }, 204);
  await expectStatus(browser, { method: 'DELETE', path: '/api/word-sets/:id', params: { id } }, 404);
});

test('import: a chunk, then whole files', async () => {
  const { browser } = account;
  const sourceId = randomUUID();
  const session = { sourceId, mode: 'timed', startedAt: '2026-01-02T10:00:00.000Z', endedAt: '2026-01-02T10:00:30.000Z' };
  const chunk = await expectStatus(browser, { method: 'POST', path: '/api/import', json: { session, events: typedEvents('the quick brown fox') } }, 201);
  importedId = chunk.body.sessionId as string;
  await expectStatus(browser, { method: 'POST', path: '/api/import', json: { session, events: [] } }, 200);
  await expectStatus(browser, { method: 'POST', path: '/api/import/files', json: { sessions: [], events: [] } }, 200);
  const orphan = { sessionId: randomUUID(), mode: 'words', startedAt: '2026-01-03T10:00:00.000Z', endedAt: null, eventCount: 3 };
  await expectStatus(browser, { method: 'POST', path: '/api/import/files', json: { sessions: [orphan], events: [] } }, 422);
});

test('analytics and exports of the imported session', async () => {
  const { browser } = account;
  const id = importedId;
  await expectStatus(browser, { method: 'GET', path: '/api/sessions/:id/analytics', params: { id } }, 200);
  await expectStatus(browser, { method: 'GET', path: '/api/sessions/:id/analytics', params: { id }, query: { from: '1e1' } }, 400);
  await expectStatus(browser, { method: 'GET', path: '/api/analytics', query: { from: '2026-01-01' } }, 200);
  await expectStatus(browser, { method: 'GET', path: '/api/analytics/trend' }, 200);
  await expectStatus(browser, { method: 'GET', path: '/api/analytics/keys', query: { targetWpm: '60' } }, 200);
  await expectStatus(browser, { method: 'GET', path: '/api/analytics/keys/:letter', params: { letter: 'e' } }, 200);
  await expectStatus(browser, { method: 'GET', path: '/api/analytics/bests', query: { includeIncomplete: 'true' } }, 200);
  for (const format of ['csv', 'json']) {
    await expectStatus(browser, { method: 'GET', path: `/api/export/sessions.${format}` }, 200);
    await expectStatus(browser, { method: 'GET', path: `/api/export/events.${format}` }, 200);
    await expectStatus(browser, { method: 'GET', path: `/api/export/sessions/:id/events.${format}`, params: { id } }, 200);
  }
  await expectStatus(browser, { method: 'GET', path: '/api/export/sessions/:id/events.json', params: { id: randomUUID() } }, 404);
});

test('load-test routes, behind their token', async () => {
  const browser = env.sidecar.browser({ 'x-loadtest-token': LOADTEST_TOKEN });
  const made = await expectStatus(browser, { method: 'POST', path: '/api/loadtest/sessions', json: { count: 2, run: 'conformance' } }, 201);
  const sessionIds = (made.body.sessions as Array<{ sessionId: string }>).map((s) => s.sessionId);
  await expectStatus(browser, { method: 'POST', path: '/api/loadtest/tickets', json: { sessionIds } }, 200);
  await expectStatus(browser, { method: 'POST', path: '/api/loadtest/verify', json: { sessionIds } }, 200);
  await expectStatus(browser, { method: 'POST', path: '/api/loadtest/verify', json: { sessionIds, detail: true } }, 200);
  await expectStatus(browser, { method: 'GET', path: '/api/loadtest/info' }, 200);
  await expectStatus(browser, { method: 'POST', path: '/api/loadtest/cleanup', json: { run: 'conformance' } }, 200);
  await expectStatus(env.sidecar.browser({ 'x-loadtest-token': 'wrong' }), { method: 'GET', path: '/api/loadtest/info' }, 403);
});

test('signing up, in and out', async () => {
  const email = uniqueEmail('signup');
  const password = 'Conformance-Pass-42';
  const browser = env.sidecar.browser();
  await expectStatus(browser, { method: 'POST', path: '/auth/register', json: { email, password } }, 202);
  await expectStatus(browser, { method: 'POST', path: '/auth/login', json: { email, password } }, 403);
  await expectStatus(browser, { method: 'POST', path: '/auth/resend-verification', json: { email } }, 202);
  await env.sidecar.smtp.next(email);
  const link = tokenIn((await env.sidecar.smtp.next(email)).text);
  await expectStatus(browser, { method: 'POST', path: '/auth/verify', json: { token: 'x'.repeat(40) } }, 400);
  await expectStatus(browser, { method: 'POST', path: '/auth/verify', json: { token: link } }, 200);
  await expectStatus(browser, { method: 'POST', path: '/auth/login', json: { email, password: 'Wrong-Password-42' } }, 401);
  browser.accessToken = (await expectStatus(browser, { method: 'POST', path: '/auth/login', json: { email, password } }, 200)).body.accessToken;
  await expectStatus(browser, { method: 'POST', path: '/auth/refresh', csrf: true }, 200);
  await expectStatus(env.sidecar.browser(), { method: 'POST', path: '/auth/refresh' }, 204);
  await expectStatus(browser, { method: 'GET', path: '/auth/me' }, 200);
  await expectStatus(browser, { method: 'PATCH', path: '/auth/me', json: { displayName: 'Conformance' } }, 200);
  const devices = await expectStatus(browser, { method: 'GET', path: '/auth/devices' }, 200);
  await expectStatus(browser, { method: 'DELETE', path: '/auth/devices/:id', params: { id: randomUUID() } }, 404);
  await expectStatus(browser, { method: 'POST', path: '/auth/forgot-password', json: { email } }, 202);
  const reset = tokenIn((await env.sidecar.smtp.next(email)).text);
  await expectStatus(browser, { method: 'POST', path: '/auth/reset-password', json: { token: reset, password: 'Conformance-Pass-43' } }, 200);
  const again = env.sidecar.browser();
  again.accessToken = (await expectStatus(again, { method: 'POST', path: '/auth/login', json: { email, password: 'Conformance-Pass-43' } }, 200)).body.accessToken;
  await expectStatus(again, { method: 'POST', path: '/auth/change-password', json: { currentPassword: 'Conformance-Pass-43', newPassword: 'Conformance-Pass-44' } }, 200);
  await expectStatus(again, { method: 'POST', path: '/auth/logout-all' }, 204);
  await expectStatus(again, { method: 'POST', path: '/auth/logout', csrf: true }, 204);
  assert.ok(devices.body.devices.length >= 1);
});

test('an email change, confirmed and undone', async () => {
  const { browser, email, password } = account;
  const next = uniqueEmail('moved');
  await expectStatus(browser, { method: 'POST', path: '/auth/email-change', json: { email: next } }, 400);
  await expectStatus(browser, { method: 'POST', path: '/auth/email-change', json: { email: next, password } }, 202);
  const confirm = tokenIn((await env.sidecar.smtp.next(next, 5000, /Confirm your new/)).text);
  await expectStatus(env.sidecar.browser(), { method: 'POST', path: '/auth/email-change/confirm', json: { token: confirm } }, 200);
  const undo = tokenIn((await env.sidecar.smtp.next(email, 5000, /was changed/)).text);
  await expectStatus(env.sidecar.browser(), { method: 'POST', path: '/auth/email-change/undo', json: { token: undo } }, 200);
  await expectStatus(env.sidecar.browser(), { method: 'POST', path: '/auth/email-change/undo', json: { token: undo } }, 400);
});

test('two-factor authentication: setup, enable, sign-in with a code, new codes, disable', async () => {
  const user = await signedInBrowser(env.sidecar);
  const { browser, email, password } = user;
  const setup = await expectStatus(browser, { method: 'POST', path: '/auth/2fa/setup', json: { password } }, 200);
  const totp = new TOTP({ secret: Secret.fromBase32(setup.body.secret), algorithm: 'SHA1', digits: 6, period: 30 });
  await expectStatus(browser, { method: 'POST', path: '/auth/2fa/backup-codes', json: { password, code: '000000' } }, 409);
  const enabled = await expectStatus(browser, { method: 'POST', path: '/auth/2fa/enable', json: { code: totp.generate(), password } }, 200);
  const [first, second] = enabled.body.backupCodes as string[];
  const fresh = env.sidecar.browser();
  const step = await expectStatus(fresh, { method: 'POST', path: '/auth/login', json: { email, password } }, 200);
  await expectStatus(fresh, { method: 'POST', path: '/auth/login/2fa', json: { twoFactorToken: step.body.twoFactorToken, code: first } }, 200);
  const renewed = await expectStatus(browser, { method: 'POST', path: '/auth/2fa/backup-codes', json: { password, code: second } }, 200);
  await expectStatus(browser, { method: 'POST', path: '/auth/2fa/disable', json: { password, code: renewed.body.backupCodes[0] } }, 200);
});

test('Google sign-in on a server without Google credentials', async () => {
  // A new account: the email change undone above signed the first one out everywhere.
  const { browser, password } = await signedInBrowser(env.sidecar);
  await expectStatus(browser, { method: 'GET', path: '/auth/google/start' }, 501);
  await expectStatus(browser, { method: 'GET', path: '/auth/google/callback', query: { state: 'x', code: 'y' } }, 501);
  await expectStatus(browser, { method: 'POST', path: '/auth/google/link', json: { password } }, 501);
});

test('every route that needs a sign-in refuses a request without one; the load-test routes one without their token', async () => {
  const stranger = env.sidecar.browser();
  for (const route of ROUTES) {
    const expected = route.auth === 'loadtest' ? 403 : ['user', 'account', 'owner'].includes(route.auth) ? 401 : undefined;
    if (expected === undefined) continue;
    await expectStatus(stranger, { method: route.method, path: route.path, params: { id: randomUUID(), letter: 'e' } }, expected);
  }
});

test('no route that needs an account succeeds for an anonymous typist; a 403 says ACCOUNT_REQUIRED', async () => {
  const typist = env.sidecar.browser();
  const token = (await expectStatus(typist, { method: 'POST', path: '/api/anonymous' }, 201)).body.accessToken as string;
  typist.accessToken = token;
  // A valid body for each, so that only the account can be what is refused.
  const password = 'Some-Password-42';
  const bodies: Record<string, unknown> = {
    '/api/sessions/claim': { anonymousAccessToken: token },
    '/api/word-sets': { name: 'Mine', words: ['one'] },
    '/api/import': { session: { sourceId: randomUUID(), mode: 'timed' }, events: [] },
    '/auth/change-password': { currentPassword: password, newPassword: 'Another-Password-43' },
    '/auth/email-change': { email: uniqueEmail('anon'), password },
  };
  const problems: string[] = [];
  for (const route of ROUTES.filter((r) => r.auth === 'account')) {
    const answer = await callRoute(typist, { method: route.method, path: route.path, json: bodies[route.path] ?? { password, code: '123456' } });
    if (answer.status < 300) problems.push(`${route.method} ${route.path}: ${answer.status} for an anonymous typist`);
    else if (answer.status === 403 && answer.body.error.code !== 'ACCOUNT_REQUIRED') problems.push(`${route.method} ${route.path}: 403 ${answer.body.error.code}`);
  }
  assert.equal(problems, []);
});

test('every route of the table was called, and the sidecar mounts exactly those', () => {
  assert.equal(missingFrom(tableRoutes(), [...called]), [], 'routes this suite never called');
  const mounted = mountedRoutes(createHttpApp(env.sidecar.deps, { connectSources: [] }, API_ROUTES));
  assert.equal(missingFrom(mounted, tableRoutes()), [], 'mounted, not in shared/api/routes.ts');
  assert.equal(missingFrom(tableRoutes(), mounted), [], 'in shared/api/routes.ts, not mounted');
});

test.run();
