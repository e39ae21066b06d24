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

test('150 bad logins at once from one address evaluate at most MAX_LOGIN_ATTEMPTS passwords; the owner still signs in', async () => {
  const { browser: owner, email, password } = await signedInBrowser(open);
  const before = open.deps.hasher.verifications;
  const answers = await Promise.all(Array.from({ length: 150 }, () => open.browser().post('/auth/login', { email, password: 'Wrong-Guess-1' })));
  const evaluated = open.deps.hasher.verifications - before;
  assert.is(evaluated, 5, `${evaluated} passwords evaluated`);
  // Four wrong answers, then the fifth failure makes this address wait and everyone else from it is turned away.
  assert.is(answers.filter((a) => a.status === 401).length, 4);
  const locked = answers.filter((a) => a.status === 423);
  assert.is(locked.length, 146);
  assert.is(locked[0]!.body.error.code, 'AUTH_LOCKED');
  assert.ok(Number(locked[0]!.headers.get('retry-after')) > 14 * 60);
  assert.match(locked[0]!.body.error.message, /try again in 15 min/);
  assert.ok(open.logs.some((l) => l.includes('"event":"auth_lockout_triggered"') && l.includes('"ip":"127.0.0.1"')));
  // From this address even the right password waits, without being evaluated...
  assert.is((await open.browser().post('/auth/login', { email, password })).status, 423);
  assert.is(open.deps.hasher.verifications - before, 5);
  // ...but the owner is not locked out: on the device they signed in with before,
  assert.is((await owner.post('/auth/login', { email, password })).status, 200);
  // and from another address.
  assert.is((await proxied.browser({ 'x-forwarded-for': '203.0.113.77' }).post('/auth/login', { email, password })).status, 200);
  // The wait lifts when its time has passed (moved into the past rather than waited for).
  await db.pool.query("UPDATE sign_in_throttle SET blocked_until = now() - interval '1 second' WHERE email_key = lower($1)", [email]);
  assert.is((await open.browser().post('/auth/login', { email, password })).status, 200);
});

test('an unknown email is throttled exactly like a known one: the answers reveal no account', async () => {
  const { email } = await signedInBrowser(open);
  const unknown = `nobody-${Date.now()}@example.com`;
  const statuses = async (target: string) => {
    const seen: Array<[number, string]> = [];
    for (let i = 0; i < 6; i++) {
      const answer = await open.browser().post('/auth/login', { email: target, password: 'Wrong-Guess-1' });
      seen.push([answer.status, answer.body.error.code]);
    }
    return seen;
  };
  assert.equal(await statuses(unknown), await statuses(email));
});

test('a second wait from the same address is twice as long; the per-account ceiling stops guesses spread over many addresses, not the owner', async () => {
  const spread = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', TRUSTED_PROXIES: '127.0.0.0/8', SIGN_IN_ACCOUNT_CEILING: '10' });
  try {
    const { browser: owner, email, password } = await signedInBrowser(spread);
    const from = (address: string) => spread.browser({ 'x-forwarded-for': address });
    for (let i = 0; i < 4; i++) await from('198.51.100.1').post('/auth/login', { email, password: 'Wrong-Guess-1' });
    const first = await from('198.51.100.1').post('/auth/login', { email, password: 'Wrong-Guess-1' });
    assert.is(first.status, 423);
    await db.pool.query("UPDATE sign_in_throttle SET blocked_until = now() - interval '1 second' WHERE email_key = lower($1) AND source = 'ip:198.51.100.1'", [email]);
    for (let i = 0; i < 4; i++) await from('198.51.100.1').post('/auth/login', { email, password: 'Wrong-Guess-1' });
    const second = await from('198.51.100.1').post('/auth/login', { email, password: 'Wrong-Guess-1' });
    assert.is(second.status, 423);
    assert.ok(Number(second.headers.get('retry-after')) > 29 * 60, `second wait ${second.headers.get('retry-after')} s`);
    // 10 failures so far from unrecognised sources: the ceiling of 10 is reached, so a new address waits too.
    const fresh = await from('198.51.100.99').post('/auth/login', { email, password });
    assert.is(fresh.status, 423, 'the account ceiling let a new address in');
    assert.is((await owner.post('/auth/login', { email, password })).status, 200, 'the owner\'s own device was locked out');
  } finally {
    await spread.close();
  }
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
  await db.pool.query("UPDATE sign_in_throttle SET first_failure_at = now() - interval '61 minutes' WHERE email_key = lower($1)", [email]);
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
  assert.match(last!.body.error.message, /try again in 1[45] min/);
  assert.ok(limited.logs.some((l) => l.includes('"event":"rate_limit_exceeded"') && l.includes('"rule":"login"')));
});

test('register 3/h and forgot-password 3/h per client', async () => {
  const register = [];
  for (let i = 0; i < 4; i++) register.push((await limited.browser().post('/auth/register', { email: `r${i}@example.com`, password: 'Solid-Pass-11' })).status);
  assert.equal(register, [202, 202, 202, 429]);
  const forgot = [];
  for (let i = 0; i < 4; i++) forgot.push((await limited.browser().post('/auth/forgot-password', { email: `f${i}@example.com` })).status);
  assert.equal(forgot, [202, 202, 202, 429]);
});

test('X-Forwarded-For is believed only from a trusted proxy', async () => {
  // Through the trusted proxy each forwarded client has its own budget...
  for (let client = 1; client <= 3; client++) {
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await proxied.browser({ 'x-forwarded-for': `203.0.113.${client}` }).post('/auth/login', { email: `x${i}@example.com`, password: 'Whatever-1' })).status);
    assert.equal(statuses, [401, 401, 401, 401, 401, 429], `client ${client}`);
  }
  // ...but a direct client cannot pick a new identity per request: the limited sidecar
  // trusts no proxy, so the header changes nothing and the budget spent above holds.
  const spoofed = await limited.browser({ 'x-forwarded-for': '198.51.100.7' }).post('/auth/login', { email: 'y@example.com', password: 'Whatever-1' });
  assert.is(spoofed.status, 429);
});

test('only failed sign-ins use up the allowance: a classroom behind one address signs in freely', async () => {
  const classroom = await startTestSidecar(db.url, db.pool, { TRUSTED_PROXIES: '127.0.0.0/8' });
  try {
    const pupils = [];
    for (let i = 0; i < 3; i++) pupils.push(await signedInBrowser(open));
    const school = (headers: Record<string, string> = {}) => classroom.browser({ 'x-forwarded-for': '192.0.2.50', ...headers });
    for (let round = 0; round < 4; round++) {
      for (const pupil of pupils) assert.is((await school().post('/auth/login', { email: pupil.email, password: pupil.password })).status, 200, `round ${round}`);
    }
  } finally {
    await classroom.close();
  }
});

test('IPv6 clients are limited per /64, and two sidecars share one budget', async () => {
  const other = await startTestSidecar(db.url, db.pool, { TRUSTED_PROXIES: '127.0.0.0/8' });
  try {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      // Six addresses of one /64, alternating between two sidecar processes' worth of state.
      const sidecar = i % 2 ? proxied : other;
      statuses.push((await sidecar.browser({ 'x-forwarded-for': `2001:db8:4:5::${i + 1}` }).post('/auth/login', { email: `v6-${i}@example.com`, password: 'Whatever-1' })).status);
    }
    assert.equal(statuses, [401, 401, 401, 401, 401, 429]);
    // Another /64 has its own budget.
    assert.is((await proxied.browser({ 'x-forwarded-for': '2001:db8:4:6::1' }).post('/auth/login', { email: 'v6@example.com', password: 'Whatever-1' })).status, 401);
  } finally {
    await other.close();
  }
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

test('API answers are never cached; security events carry the client address', async () => {
  const { browser } = await signedInBrowser(open);
  for (const response of [await browser.get('/auth/me'), await browser.get('/api/sessions'), await open.browser().post('/auth/login', { email: 'a@example.com', password: 'x' })]) {
    assert.is(response.headers.get('cache-control'), 'no-store');
  }
  const forged = await browser.post('/auth/refresh', {}, { headers: { 'x-csrf-token': 'forged.token' } });
  assert.is(forged.status, 403);
  assert.ok(open.logs.some((l) => l.includes('"event":"csrf_invalid_token"') && l.includes('"ip":"127.0.0.1"')));
  assert.ok(open.logs.some((l) => l.includes('"event":"auth_login_failed"') && l.includes('"ip":"127.0.0.1"')));
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
