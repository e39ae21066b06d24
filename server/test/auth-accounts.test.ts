// Accounts over HTTP against a real PostgreSQL and a real SMTP server: register, verify,
// login, refresh rotation and reuse, logout, devices, forgot/reset, change password, profile.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signedInBrowser } from './support/sidecar-fixtures.ts';
import { sidecarSuite } from './support/sidecar-suite.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false' });
// The per-account lockout columns of 0001 are dead (sql/SCHEMA.md, users): every account flow
// here runs without them, so the migration that drops them cannot break a running sidecar.
test.before(async () => {
  await env.db.pool.query('ALTER TABLE users DROP COLUMN failed_login_count, DROP COLUMN first_failed_login_at, DROP COLUMN locked_until');
});
const tokenIn = (text: string) => /token=([A-Za-z0-9_-]+)/.exec(text)?.[1];

test('register sends a 24 h single-use verification link; login waits for it', async () => {
  const browser = env.sidecar.browser();
  const email = 'ada@example.com';
  const registered = await browser.post('/auth/register', { email, password: 'Lovelace-1815' });
  assert.is(registered.status, 202);
  assert.is(registered.body.verificationSent, true);
  const mail = await env.sidecar.smtp.next(email);
  assert.match(mail.subject, /Confirm your FingerFlow email/);
  assert.match(mail.text, /http:\/\/localhost:8080\/verify\?token=/);
  const early = await browser.post('/auth/login', { email, password: 'Lovelace-1815' });
  assert.is(early.status, 403);
  assert.is(early.body.error.code, 'EMAIL_NOT_VERIFIED');
  const token = tokenIn(mail.text);
  assert.is((await browser.post('/auth/verify', { token })).status, 200);
  const again = await browser.post('/auth/verify', { token });
  assert.is(again.body.error.code, 'TOKEN_USED');
  const { rows } = await env.db.pool.query("SELECT expires_at - created_at AS ttl FROM one_time_tokens WHERE purpose = 'email_verification' ORDER BY created_at DESC LIMIT 1");
  assert.is(rows[0].ttl.hours ?? rows[0].ttl.days * 24, 24);
  const login = await browser.post('/auth/login', { email, password: 'Lovelace-1815' });
  assert.is(login.status, 200);
  assert.ok(login.body.accessToken);
  assert.ok(browser.cookies.has('ff_refresh'));
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('ff_refresh='))!;
  for (const flag of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/auth']) assert.ok(cookie.includes(flag), `refresh cookie lacks ${flag}`);
  const stored = await env.db.pool.query('SELECT token_hash FROM refresh_tokens');
  assert.not.ok(stored.rows.some((r) => r.token_hash.toString() === decodeURIComponent(browser.cookies.get('ff_refresh')!)), 'refresh token stored in plain text');
});

test('weak, common and malformed registrations are refused with field details', async () => {
  const browser = env.sidecar.browser();
  const cases: Array<[unknown, number, string]> = [
    [{ email: 'a@example.com', password: 'Short-1A' }, 400, 'WEAK_PASSWORD'], // under 12 characters
    [{ email: 'a@example.com', password: 'Password123!' }, 400, 'WEAK_PASSWORD'], // a breached word with digits stuck on
    [{ email: 'a@example.com', password: 'qwertyuiop123' }, 400, 'WEAK_PASSWORD'], // on the breached list itself
    [{ email: 'a@example.com', password: 'Fingerflow-2026' }, 400, 'WEAK_PASSWORD'], // the site's own name
    [{ email: 'a@example.com', password: 'é'.repeat(37) }, 400, 'WEAK_PASSWORD'], // 74 bytes: bcrypt would drop the end
    [{ email: 'not-an-email', password: 'Good-Pass-99' }, 400, 'VALIDATION_FAILED'],
  ];
  for (const [body, status, code] of cases) {
    const response = await browser.post('/auth/register', body);
    assert.is(response.status, status, JSON.stringify([body, response.body]));
    assert.is(response.body.error.code, code, JSON.stringify(body));
  }
  const byteLimit = await browser.post('/auth/register', { email: 'a@example.com', password: 'é'.repeat(37) });
  assert.match(byteLimit.body.error.message, /72 bytes/);
  // No composition rules: a long lowercase passphrase is fine.
  assert.is((await browser.post('/auth/register', { email: 'pass.phrase@example.com', password: 'correct horse battery staple' })).status, 202);
  const malformed = await browser.request('POST', '/auth/register', { headers: { 'content-type': 'application/json' }, json: undefined });
  assert.is(malformed.status, 400, JSON.stringify(malformed.body));
  const raw = await fetch(`${env.sidecar.base}/auth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":' });
  assert.is(raw.status, 400);
  assert.is(((await raw.json()) as { error: { code: string } }).error.code, 'BAD_REQUEST');
});

test('refresh rotates the token; presenting a spent one revokes the whole family', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const first = browser.cookies.get('ff_refresh')!;
  const rotated = await browser.post('/auth/refresh', {}, { csrf: true });
  assert.is(rotated.status, 200);
  assert.ok(rotated.body.accessToken);
  const second = browser.cookies.get('ff_refresh')!;
  assert.is.not(second, first);
  // An attacker replays the first token.
  const thief = env.sidecar.browser();
  thief.cookies.set('ff_refresh', first);
  thief.cookies.set('ff_csrf', browser.cookies.get('ff_csrf')!);
  const replay = await thief.post('/auth/refresh', {}, { csrf: true });
  assert.is(replay.status, 401);
  assert.is(replay.body.error.code, 'REFRESH_REUSED');
  assert.ok(env.sidecar.logs.some((l) => l.includes('"event":"refresh_token_reuse_detected"')));
  const victim = await browser.post('/auth/refresh', {}, { csrf: true });
  assert.is(victim.status, 401, 'the family was not revoked');
});

test('a forged or missing CSRF token is refused on cookie-authenticated routes', async () => {
  const { browser } = await signedInBrowser(env.sidecar);
  const missing = await browser.post('/auth/refresh', {});
  assert.is(missing.status, 403);
  assert.is(missing.body.error.code, 'CSRF_INVALID');
  const forged = await browser.post('/auth/refresh', {}, { headers: { 'x-csrf-token': 'abc.def' } });
  assert.is(forged.status, 403);
  const other = await signedInBrowser(env.sidecar);
  const foreign = await browser.post('/auth/refresh', {}, { headers: { 'x-csrf-token': decodeURIComponent(other.browser.cookies.get('ff_csrf')!) } });
  assert.is(foreign.status, 403, 'a token of another sign-in was accepted');
  const wrongOrigin = await browser.post('/auth/refresh', {}, { csrf: true, headers: { origin: 'https://evil.example' } });
  assert.is(wrongOrigin.status, 403);
  assert.ok(env.sidecar.logs.some((l) => l.includes('"event":"csrf_invalid_token"')));
  assert.is((await browser.post('/auth/refresh', {}, { csrf: true })).status, 200);
});

test('devices list, revoke one, logout, logout everywhere', async () => {
  const { browser, email, password } = await signedInBrowser(env.sidecar);
  const laptop = env.sidecar.browser({ 'user-agent': 'Laptop/1.0' });
  const login = await laptop.post('/auth/login', { email, password });
  laptop.accessToken = login.body.accessToken;
  const list = await browser.get('/auth/devices');
  assert.is(list.body.devices.length, 2);
  assert.is(list.body.devices.filter((d: { current: boolean }) => d.current).length, 1);
  const laptopDevice = list.body.devices.find((d: { userAgent: string }) => d.userAgent === 'Laptop/1.0');
  assert.is((await browser.request('DELETE', `/auth/devices/${laptopDevice.id}`)).status, 204);
  assert.is((await laptop.post('/auth/refresh', {}, { csrf: true })).status, 401);
  assert.is((await browser.post('/auth/logout', {}, { csrf: true })).status, 204);
  assert.not.ok(browser.cookies.has('ff_refresh'));
  const phone = env.sidecar.browser();
  phone.accessToken = (await phone.post('/auth/login', { email, password })).body.accessToken;
  const tablet = env.sidecar.browser();
  await tablet.post('/auth/login', { email, password });
  assert.is((await phone.post('/auth/logout-all', {})).status, 204);
  assert.is((await tablet.post('/auth/refresh', {}, { csrf: true })).status, 401);
});

test('forgot password answers the same for known and unknown emails; reset is single use and signs out everywhere', async () => {
  const { browser, email } = await signedInBrowser(env.sidecar);
  const known = await env.sidecar.browser().post('/auth/forgot-password', { email });
  const unknown = await env.sidecar.browser().post('/auth/forgot-password', { email: 'nobody@example.com' });
  assert.is(known.status, 202);
  assert.equal(unknown.status, known.status);
  assert.equal(unknown.body, known.body);
  const mail = await env.sidecar.smtp.next(email);
  assert.match(mail.text, /\/reset\?token=/);
  const token = tokenIn(mail.text);
  const weak = await env.sidecar.browser().post('/auth/reset-password', { token, password: 'weak' });
  assert.is(weak.body.error.code, 'WEAK_PASSWORD');
  const reset = await env.sidecar.browser().post('/auth/reset-password', { token, password: 'Brand-New-Pass-3' });
  assert.is(reset.status, 200);
  assert.is((await env.sidecar.browser().post('/auth/reset-password', { token, password: 'Brand-New-Pass-4' })).body.error.code, 'TOKEN_USED');
  assert.is((await browser.post('/auth/refresh', {}, { csrf: true })).status, 401, 'old sessions survived the reset');
  assert.is((await env.sidecar.browser().post('/auth/login', { email, password: 'Brand-New-Pass-3' })).status, 200);
  const { rows } = await env.db.pool.query("SELECT expires_at - created_at AS ttl FROM one_time_tokens WHERE purpose = 'password_reset' ORDER BY created_at DESC LIMIT 1");
  assert.is(rows[0].ttl.hours, 1);
});

test('change password needs the current one and signs out the other devices only', async () => {
  const { browser, email, password } = await signedInBrowser(env.sidecar);
  const other = env.sidecar.browser();
  await other.post('/auth/login', { email, password });
  const wrong = await browser.post('/auth/change-password', { currentPassword: 'nope', newPassword: 'Fresh-Pass-77' });
  assert.is(wrong.status, 400);
  const changed = await browser.post('/auth/change-password', { currentPassword: password, newPassword: 'Fresh-Pass-77' });
  assert.is(changed.status, 200);
  assert.is(changed.body.otherDevicesSignedOut, 1);
  assert.is((await other.post('/auth/refresh', {}, { csrf: true })).status, 401);
  assert.is((await browser.post('/auth/refresh', {}, { csrf: true })).status, 200);
});

test('me and profile: merged update; the email changes only through the confirmed email-change flow', async () => {
  const { browser, email } = await signedInBrowser(env.sidecar);
  const me = await browser.get('/auth/me');
  assert.is(me.status, 200);
  assert.is(me.body.user.emailVerified, true);
  const renamed = await browser.request('PATCH', '/auth/me', { json: { displayName: 'Ada' } });
  assert.is(renamed.body.user.displayName, 'Ada');
  assert.is(renamed.body.user.emailVerified, true);
  const moved = await browser.request('PATCH', '/auth/me', { json: { email: 'ada.new@example.com' } });
  assert.is(moved.status, 400);
  assert.is(moved.body.error.code, 'EMAIL_CHANGE_NEEDS_CONFIRMATION');
  assert.is((await browser.get('/auth/me')).body.user.email, email);
  assert.is((await env.sidecar.browser().get('/auth/me')).status, 401);
  assert.is((await browser.get('/auth/me')).headers.get('cache-control'), 'no-store');
});

test.run();
