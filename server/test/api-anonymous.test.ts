// Anonymous typists: created and signed in like anyone, able to type sessions, limited per
// IP, and claimed by an account later (their sessions move, the anonymous user goes).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import jwt from 'jsonwebtoken';
import { signedInBrowser, startTestSidecar } from './support/sidecar-fixtures.ts';
import { sidecarSuite } from './support/sidecar-suite.ts';
import type { TestBrowser } from './support/http-client.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false' });


async function anonymousTypist(): Promise<{ browser: TestBrowser; userId: string; token: string }> {
  const browser = env.sidecar.browser();
  const created = await browser.post('/api/anonymous');
  assert.is(created.status, 201, JSON.stringify(created.body));
  browser.accessToken = created.body.accessToken;
  return { browser, userId: created.body.user.id, token: created.body.accessToken };
}

async function sessionOf(browser: TestBrowser): Promise<string> {
  const created = await browser.post('/api/sessions', { mode: 'zen' });
  assert.is(created.status, 201, JSON.stringify(created.body));
  return created.body.session.id;
}

test('an anonymous typist is signed in like anyone: access token, refresh cookie, and sessions of their own', async () => {
  const browser = env.sidecar.browser();
  const created = await browser.post('/api/anonymous');
  assert.is(created.status, 201);
  assert.ok(created.body.accessToken);
  assert.ok(created.body.expiresIn > 0);
  assert.is(created.body.user.isAnonymous, true);
  assert.is(created.body.user.email, null);
  assert.ok(browser.cookies.has('ff_refresh'), 'no refresh cookie');
  const { rows } = await env.db.pool.query('SELECT is_anonymous, email FROM users WHERE id = $1', [created.body.user.id]);
  assert.equal(rows[0], { is_anonymous: true, email: null });
  browser.accessToken = created.body.accessToken;
  const session = await browser.post('/api/sessions', { mode: 'timed', config: { duration: 15 } });
  assert.is(session.status, 201);
  const check = env.sidecar.deps.tickets.verify(session.body.ingest.ticket, ['ingest']);
  assert.ok(check.ok && check.claims.userId === created.body.user.id);
  const refreshed = await browser.post('/auth/refresh', {}, { csrf: true });
  assert.is(refreshed.status, 200, 'the anonymous typist cannot stay signed in');
  const second = await env.sidecar.browser().post('/api/anonymous');
  assert.is.not(second.body.user.id, created.body.user.id);
});

test("claiming moves every session of the anonymous typist to my account and deletes the anonymous user", async () => {
  const guest = await anonymousTypist();
  const guestSessions = [await sessionOf(guest.browser), await sessionOf(guest.browser)];
  const account = await signedInBrowser(env.sidecar);
  const own = await sessionOf(account.browser);
  const bystander = await anonymousTypist();
  const untouched = await sessionOf(bystander.browser);

  const claim = await account.browser.post('/api/sessions/claim', { anonymousAccessToken: guest.token });
  assert.is(claim.status, 200, JSON.stringify(claim.body));
  assert.is(claim.body.movedSessions, 2);
  const listed = await account.browser.get('/api/sessions');
  assert.equal(new Set(listed.body.sessions.map((s: { id: string }) => s.id)), new Set([own, ...guestSessions]));
  for (const id of guestSessions) assert.is((await account.browser.get(`/api/sessions/${id}`)).status, 200);
  assert.is((await env.db.pool.query('SELECT count(*)::int AS n FROM users WHERE id = $1', [guest.userId])).rows[0].n, 0, 'the anonymous user was kept');
  assert.is((await env.db.pool.query('SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = $1', [guest.userId])).rows[0].n, 0);
  // The old anonymous token died with its sign-in: it opens nothing any more.
  assert.is((await guest.browser.get(`/api/sessions/${guestSessions[0]}`)).status, 401);
  assert.is((await guest.browser.get('/api/sessions')).body.error.code, 'TOKEN_REVOKED');
  const late = await guest.browser.post('/api/sessions', { mode: 'zen' });
  assert.is(late.status, 401);
  assert.is(late.body.error.code, 'TOKEN_REVOKED');
  const again = await account.browser.post('/api/sessions/claim', { anonymousAccessToken: guest.token });
  assert.is(again.status, 404);
  assert.is(again.body.error.code, 'ANONYMOUS_USER_NOT_FOUND');
  assert.is((await bystander.browser.get(`/api/sessions/${untouched}`)).status, 200, "another anonymous typist's session moved");
});

test('claiming is refused without a token, by an anonymous caller, and with a bad, expired or registered token', async () => {
  const guest = await anonymousTypist();
  const guestSession = await sessionOf(guest.browser);
  const account = await signedInBrowser(env.sidecar);
  const otherAccount = await signedInBrowser(env.sidecar);
  const theirSession = await sessionOf(otherAccount.browser);

  const noToken = await env.sidecar.browser().post('/api/sessions/claim', { anonymousAccessToken: guest.token });
  assert.is(noToken.status, 401);
  const byAnonymous = await (await anonymousTypist()).browser.post('/api/sessions/claim', { anonymousAccessToken: guest.token });
  assert.is(byAnonymous.status, 403);
  assert.is(byAnonymous.body.error.code, 'ACCOUNT_REQUIRED');
  const bySelf = await guest.browser.post('/api/sessions/claim', { anonymousAccessToken: guest.token });
  assert.is(bySelf.status, 403);

  const expired = jwt.sign({ typ: 'access' }, env.sidecar.deps.keys.key('access'), { algorithm: 'HS256', issuer: 'fingerflow', audience: 'api', subject: guest.userId, expiresIn: -10 });
  const cases: Array<[unknown, number, string]> = [
    [{}, 400, 'VALIDATION_FAILED'],
    [{ anonymousAccessToken: '' }, 400, 'VALIDATION_FAILED'],
    [{ anonymousAccessToken: 'garbage' }, 400, 'ANONYMOUS_TOKEN_INVALID'],
    [{ anonymousAccessToken: expired }, 400, 'ANONYMOUS_TOKEN_INVALID'],
    [{ anonymousAccessToken: otherAccount.browser.accessToken }, 400, 'NOT_ANONYMOUS'],
  ];
  for (const [body, status, code] of cases) {
    const response = await account.browser.post('/api/sessions/claim', body);
    assert.is(response.status, status, JSON.stringify([body, response.body]));
    assert.is(response.body.error.code, code);
    assert.ok('anonymousAccessToken' in response.body.error.details.fields, JSON.stringify(response.body.error));
  }
  const expiredAnswer = await account.browser.post('/api/sessions/claim', { anonymousAccessToken: expired });
  assert.match(expiredAnswer.body.error.message, /expired/);
  assert.is((await guest.browser.get(`/api/sessions/${guestSession}`)).status, 200, 'a refused claim moved the session');
  assert.is((await otherAccount.browser.get(`/api/sessions/${theirSession}`)).status, 200, "an account's sessions were taken");
  assert.is((await account.browser.get('/api/sessions')).body.total, 0);
});

test('creating anonymous typists is limited per IP address', async () => {
  const limited = await startTestSidecar(env.db.url, env.db.pool, { RATE_LIMIT_PER_MINUTE: '100000' });
  try {
    for (let i = 0; i < 20; i++) assert.is((await limited.browser().post('/api/anonymous')).status, 201, `request ${i + 1}`);
    const refused = await limited.browser().post('/api/anonymous');
    assert.is(refused.status, 429);
    assert.is(refused.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.ok(limited.logs.some((l) => l.includes('"event":"rate_limit_exceeded"') && l.includes('"rule":"anonymous"')));
  } finally {
    await limited.close();
  }
});

test.run();
