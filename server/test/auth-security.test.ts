// The security rules the seed's deployment guide promised and the original never enforced:
// lockout, rate limits, trusted proxies, token kinds, security headers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import jwt from 'jsonwebtoken';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { signedInBrowser, startTestSidecar, type TestSidecar } from './support/sidecar-fixtures.ts';
import { TEST_SECRET } from './support/ingest-fixtures.ts';

let db: TestDatabase;
let open: TestSidecar; // rate limits off, to reach the lockout
let limited: TestSidecar; // production limits on
let proxied: TestSidecar; // behind a trusted proxy in 127.0.0.0/8 (a CIDR range, as on a Docker network)

test.before(async () => {
  db = await freshDatabase();
  open = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', MAX_LOGIN_ATTEMPTS: '5', LOCKOUT_DURATION_MINUTES: '15' });
  limited = await startTestSidecar(db.url, db.pool);
  proxied = await startTestSidecar(db.url, db.pool, { TRUSTED_PROXIES: '127.0.0.0/8' });
});

test.after(async () => {
  for (const s of [open, limited, proxied]) await s.close();
  await db.drop();
});

test('150 bad logins at once evaluate at most MAX_LOGIN_ATTEMPTS passwords, then the account is locked', async () => {
  const { email, password } = await signedInBrowser(open);
  const before = open.deps.hasher.verifications;
  const answers = await Promise.all(Array.from({ length: 150 }, () => open.browser().post('/auth/login', { email, password: 'Wrong-Guess-1' })));
  const evaluated = open.deps.hasher.verifications - before;
  assert.ok(evaluated <= 5, `${evaluated} passwords evaluated`);
  assert.is(evaluated, 5);
  // Four wrong answers, then the fifth failure locks and everyone else is turned away.
  assert.is(answers.filter((a) => a.status === 401).length, 4);
  const locked = answers.filter((a) => a.status === 423);
  assert.is(locked.length, 146);
  assert.is(locked[0]!.body.error.code, 'AUTH_LOCKED');
  assert.ok(Number(locked[0]!.headers.get('retry-after')) > 14 * 60);
  assert.ok(open.logs.some((l) => l.includes('"event":"auth_lockout_triggered"')));
  // Even the right password is refused while locked, without being evaluated.
  const right = await open.browser().post('/auth/login', { email, password });
  assert.is(right.status, 423);
  assert.is(open.deps.hasher.verifications - before, 5);
  // The lock lifts when its duration has passed (moved into the past rather than waited for).
  await db.pool.query("UPDATE users SET locked_until = now() - interval '1 second' WHERE lower(email) = lower($1)", [email]);
  const after = await open.browser().post('/auth/login', { email, password });
  assert.is(after.status, 200);
});

test('the lockout fires exactly at the configured count, and a success resets the count', async () => {
  const { email, password } = await signedInBrowser(open);
  for (let i = 1; i <= 4; i++) assert.is((await open.browser().post('/auth/login', { email, password: 'nope' })).status, 401, `attempt ${i}`);
  assert.is((await open.browser().post('/auth/login', { email, password })).status, 200);
  for (let i = 1; i <= 4; i++) assert.is((await open.browser().post('/auth/login', { email, password: 'nope' })).status, 401, `attempt ${i} after reset`);
  const fifth = await open.browser().post('/auth/login', { email, password: 'nope' });
  assert.is(fifth.status, 423);
});

test('failures older than LOCKOUT_RESET_AFTER_MINUTES no longer count', async () => {
  const { email, password } = await signedInBrowser(open);
  for (let i = 0; i < 4; i++) await open.browser().post('/auth/login', { email, password: 'nope' });
  await db.pool.query("UPDATE users SET first_failed_login_at = now() - interval '61 minutes' WHERE lower(email) = lower($1)", [email]);
  for (let i = 0; i < 4; i++) assert.is((await open.browser().post('/auth/login', { email, password: 'nope' })).status, 401);
  assert.is((await open.browser().post('/auth/login', { email, password })).status, 200);
});

test('login is limited to 5 per 15 min per client, with Retry-After and a log event', async () => {
  const statuses: number[] = [];
  let last: Awaited<ReturnType<ReturnType<TestSidecar['browser']>['post']>> | undefined;
  for (let i = 0; i < 6; i++) {
    last = await limited.browser().post('/auth/login', { email: `nobody${i}@example.com`, password: 'Whatever-1' });
    statuses.push(last.status);
  }
  assert.equal(statuses, [401, 401, 401, 401, 401, 429]);
  assert.is(last!.body.error.code, 'RATE_LIMITED');
  assert.ok(Number(last!.headers.get('retry-after')) > 800);
  assert.ok(limited.logs.some((l) => l.includes('"event":"rate_limit_exceeded"') && l.includes('"rule":"login"')));
});

test('register 3/h and forgot-password 3/h per client', async () => {
  const register = [];
  for (let i = 0; i < 4; i++) register.push((await limited.browser().post('/auth/register', { email: `r${i}@example.com`, password: 'Solid-Pass-11' })).status);
  assert.equal(register, [201, 201, 201, 429]);
  const forgot = [];
  for (let i = 0; i < 4; i++) forgot.push((await limited.browser().post('/auth/forgot-password', { email: `f${i}@example.com` })).status);
  assert.equal(forgot, [202, 202, 202, 429]);
});

test('X-Forwarded-For is believed only from a trusted proxy', async () => {
  // Through the trusted proxy each forwarded client has its own budget...
  for (let client = 1; client <= 3; client++) {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await proxied.browser({ 'x-forwarded-for': `203.0.113.${client}` }).post('/auth/login', { email: 'x@example.com', password: 'Whatever-1' })).status);
    assert.equal(statuses, [401, 401, 401, 401, 401, 429], `client ${client}`);
  }
  // ...but a direct client cannot pick a new identity per request: the limited sidecar
  // trusts no proxy, so the header changes nothing and the budget spent above holds.
  const spoofed = await limited.browser({ 'x-forwarded-for': '198.51.100.7' }).post('/auth/login', { email: 'y@example.com', password: 'Whatever-1' });
  assert.is(spoofed.status, 429);
});

test('only an access token opens the API: alg none, wrong audience, expired, or an ingest ticket are refused', async () => {
  const { browser, userId } = await signedInBrowser(open);
  assert.is((await browser.get('/auth/me')).status, 200);
  const forged = [
    jwt.sign({ typ: 'access' }, '', { algorithm: 'none', issuer: 'fingerflow', audience: 'api', subject: userId }),
    jwt.sign({ typ: 'access' }, TEST_SECRET, { algorithm: 'HS256', issuer: 'fingerflow', audience: 'api', subject: userId }),
    open.deps.tickets.sign({ userId, sessionId: '00000000-0000-4000-8000-000000000000', audience: 'ingest' }),
    open.deps.tokens.sign('login-2fa', userId).token,
  ];
  for (const token of forged) {
    const probe = open.browser();
    probe.accessToken = token;
    const response = await probe.get('/auth/me');
    assert.is(response.status, 401, token);
    assert.is(response.body.error.code, 'TOKEN_INVALID');
  }
  const key = open.deps.keys.key('access');
  const expired = jwt.sign({ typ: 'access' }, key, { algorithm: 'HS256', issuer: 'fingerflow', audience: 'api', subject: userId, expiresIn: -10 });
  const wrongAudience = jwt.sign({ typ: 'access' }, key, { algorithm: 'HS256', issuer: 'fingerflow', audience: 'ingest', subject: userId });
  const probe = open.browser();
  probe.accessToken = expired;
  assert.is((await probe.get('/auth/me')).body.error.code, 'TOKEN_EXPIRED');
  probe.accessToken = wrongAudience;
  assert.is((await probe.get('/auth/me')).body.error.code, 'TOKEN_INVALID');
  assert.is((await open.browser().get('/auth/me')).body.error.code, 'TOKEN_MISSING');
});

test('security headers carry the seed deployment guide\'s exact values on API and page responses', async () => {
  for (const path of ['/health', '/auth/me', '/api/nope']) {
    const response = await fetch(`${open.base}${path}`);
    assert.is(response.headers.get('x-content-type-options'), 'nosniff', path);
    assert.is(response.headers.get('x-frame-options'), 'DENY', path);
    assert.is(response.headers.get('strict-transport-security'), 'max-age=31536000; includeSubDomains; preload', path);
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
  }
});

test('a NUL character in any field is a 400, never a database error', async () => {
  const login = await open.browser().post('/auth/login', { email: 'a\u0000@example.com', password: 'x\u0000' });
  assert.is(login.status, 400);
  assert.is(login.body.error.code, 'VALIDATION_FAILED');
  assert.ok('email' in login.body.error.details.fields);
  const { browser } = await signedInBrowser(open);
  const profile = await browser.request('PATCH', '/auth/me', { json: { displayName: 'Ada\u0000' } });
  assert.is(profile.status, 400);
  const nested = await browser.request('PATCH', '/auth/me', { json: { displayName: 'ok', extra: [{ deep: '\u0000' }] } });
  assert.is(nested.body.error.code, 'VALIDATION_FAILED');
  assert.ok('extra.0.deep' in nested.body.error.details.fields);
});

test('a state-changing request with a form content type is refused', async () => {
  const response = await fetch(`${open.base}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=a&password=b' });
  assert.is(response.status, 415);
});

test.run();
