// Revocable access tokens and the absolute session lifetime, across two sidecar processes:
// sidecar A runs in this process, sidecar B is `server/bin/sidecar.ts` in a process of its
// own on the same database. A token revoked through A must stop working on B, whose cache
// only PostgreSQL's NOTIFY can clear.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { Secret, TOTP } from 'otpauth';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { signedInBrowser, startTestSidecar, type TestSidecar } from './support/sidecar-fixtures.ts';
import { TEST_SECRET } from './support/ingest-fixtures.ts';
import { pollUntil, spawnTs, type Spawned } from './support/processes.ts';
import { TestBrowser } from './support/http-client.ts';
import { LIVENESS_CACHE_MS } from '../auth/sign-in-liveness.ts';

let db: TestDatabase;
let a: TestSidecar;
let b: Spawned;
let bBase: string;
let dataDir: string;

test.before(async () => {
  db = await freshDatabase();
  a = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false' });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-sidecar-b-'));
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  b = spawnTs('server/bin/sidecar.ts', {
    NODE_ENV: 'test', DATABASE_URL: db.url, SECRET_KEY: TEST_SECRET, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir,
    PUBLIC_URL: 'http://localhost:8080', ALLOWED_ORIGINS: 'http://localhost:8080', EMAIL_PROVIDER: 'console', AUTH_RATE_LIMIT_ENABLED: 'false', LOG_LEVEL: 'info',
  });
  await b.waitFor('"event":"sidecar_ready"', 60_000);
  bBase = `http://127.0.0.1:${port}`;
});

test.after(async () => {
  b.child.kill('SIGTERM');
  await b.exited(10_000);
  await a.close();
  await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The same access token, presented to sidecar B. */
function onB(token: string): TestBrowser {
  const browser = new TestBrowser(bBase);
  browser.accessToken = token;
  return browser;
}

/**
 * Waits (well under the cache's lifetime) until B refuses the token. A pass proves the
 * notification reached B: without it, B would keep its cached "live" answer for the whole
 * LIVENESS_CACHE_MS.
 */
async function refusedOnB(token: string): Promise<boolean> {
  const waited = await pollUntil(async () => (await onB(token).get('/auth/me')).status === 401, LIVENESS_CACHE_MS / 2, 50);
  return waited !== undefined;
}

async function warmOnB(token: string): Promise<void> {
  for (let i = 0; i < 2; i++) assert.is((await onB(token).get('/auth/me')).status, 200, 'B did not accept a live token');
}

test('logout ends the access token at once, on another sidecar process too', async () => {
  const user = await signedInBrowser(a);
  const token = user.browser.accessToken!;
  await warmOnB(token);
  assert.is((await user.browser.post('/auth/logout', {}, { csrf: true })).status, 204);
  const onA = new TestBrowser(a.base);
  onA.accessToken = token;
  const refused = await onA.get('/auth/me');
  assert.is(refused.status, 401);
  assert.is(refused.body.error.code, 'TOKEN_REVOKED');
  assert.ok(await refusedOnB(token), 'sidecar B still accepted the token after logout');
  assert.is((await onB(token).get('/auth/me')).body.error.code, 'TOKEN_REVOKED');
});

test('a token from before logout-all, a password change or a password reset gets 401 everywhere', async () => {
  const user = await signedInBrowser(a);
  const laptop = new TestBrowser(a.base);
  laptop.accessToken = (await laptop.post('/auth/login', { email: user.email, password: user.password })).body.accessToken;
  await warmOnB(laptop.accessToken!);
  // Password change: the other device's token dies, the one that changed it lives on.
  assert.is((await user.browser.post('/auth/change-password', { currentPassword: user.password, newPassword: 'Fresh-Pass-7777' })).status, 200);
  assert.ok(await refusedOnB(laptop.accessToken!));
  assert.is((await user.browser.get('/auth/me')).status, 200);
  // Logout everywhere: the remaining one too.
  const current = user.browser.accessToken!;
  await warmOnB(current);
  assert.is((await user.browser.post('/auth/logout-all', {})).status, 204);
  assert.is((await user.browser.get('/auth/me')).status, 401, 'the sidecar that ended the sign-in still accepted its token');
  assert.ok(await refusedOnB(current));
  // Password reset.
  const again = await new TestBrowser(a.base).post('/auth/login', { email: user.email, password: 'Fresh-Pass-7777' });
  await warmOnB(again.body.accessToken);
  await a.browser().post('/auth/forgot-password', { email: user.email });
  const token = /token=([A-Za-z0-9_-]+)/.exec((await a.smtp.next(user.email, 5000, /Reset your/)).text)![1];
  assert.is((await a.browser().post('/auth/reset-password', { token, password: 'Reset-Pass-88888' })).status, 200);
  assert.ok(await refusedOnB(again.body.accessToken));
});

test('refresh reuse, a device revoke and turning on 2FA end the access tokens of the sign-ins they end', async () => {
  const user = await signedInBrowser(a);
  const first = user.browser.cookies.get('ff_refresh')!;
  const oldAccess = user.browser.accessToken!;
  const rotated = await user.browser.post('/auth/refresh', {}, { csrf: true });
  user.browser.accessToken = rotated.body.accessToken;
  await warmOnB(oldAccess);
  // A thief replays the spent refresh token: the family and every access token of it die.
  const thief = a.browser();
  thief.cookies.set('ff_refresh', first);
  thief.cookies.set('ff_csrf', user.browser.cookies.get('ff_csrf')!);
  assert.is((await thief.post('/auth/refresh', {}, { csrf: true })).body.error.code, 'REFRESH_REUSED');
  assert.ok(await refusedOnB(oldAccess));
  assert.ok(await refusedOnB(user.browser.accessToken!));

  const owner = await signedInBrowser(a);
  const phone = new TestBrowser(a.base);
  phone.accessToken = (await phone.post('/auth/login', { email: owner.email, password: owner.password })).body.accessToken;
  await warmOnB(phone.accessToken!);
  const devices = (await owner.browser.get('/auth/devices')).body.devices as Array<{ id: string; current: boolean }>;
  const other = devices.find((d) => !d.current)!;
  assert.is((await owner.browser.request('DELETE', `/auth/devices/${other.id}`)).status, 204);
  assert.ok(await refusedOnB(phone.accessToken!));

  const tablet = new TestBrowser(a.base);
  tablet.accessToken = (await tablet.post('/auth/login', { email: owner.email, password: owner.password })).body.accessToken;
  await warmOnB(tablet.accessToken!);
  const setup = await owner.browser.post('/auth/2fa/setup', { password: owner.password });
  const code = new TOTP({ secret: Secret.fromBase32(setup.body.secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate();
  assert.is((await owner.browser.post('/auth/2fa/enable', { code, password: owner.password })).status, 200);
  assert.ok(await refusedOnB(tablet.accessToken!));
  assert.is((await owner.browser.get('/auth/me')).status, 200, 'the device that turned 2FA on was signed out');
});

test('a sign-in ends SESSION_MAX_DAYS after the password, however often it rotates', async () => {
  const user = await signedInBrowser(a);
  const { rows } = await db.pool.query<{ lifetime: number; cookie_days: number }>(
    "SELECT extract(epoch FROM session_expires_at - created_at) / 86400 AS lifetime FROM refresh_tokens WHERE user_id = $1", [user.userId]);
  assert.is(Math.round(rows[0]!.lifetime), 30);
  // Near the end of the sign-in, a rotation's token and cookie live only until that end.
  await db.pool.query("UPDATE refresh_tokens SET session_expires_at = now() + interval '1 hour' WHERE user_id = $1", [user.userId]);
  const rotated = await user.browser.post('/auth/refresh', {}, { csrf: true });
  assert.is(rotated.status, 200);
  const maxAge = Number(/Max-Age=(\d+)/.exec(rotated.headers.getSetCookie().find((c) => c.startsWith('ff_refresh='))!)![1]);
  assert.ok(maxAge <= 3600 && maxAge > 3000, `cookie Max-Age ${maxAge}`);
  const carried = await db.pool.query("SELECT count(DISTINCT session_expires_at)::int AS n, bool_and(expires_at <= session_expires_at OR used_at IS NOT NULL) AS bounded FROM refresh_tokens WHERE user_id = $1", [user.userId]);
  assert.equal(carried.rows[0], { n: 1, bounded: true });
  // Past the end, refreshing fails and the access token dies with it.
  await db.pool.query("UPDATE refresh_tokens SET session_expires_at = now() - interval '1 second', expires_at = now() - interval '1 second' WHERE user_id = $1", [user.userId]);
  const ended = await user.browser.post('/auth/refresh', {}, { csrf: true });
  assert.is(ended.status, 401);
  user.browser.accessToken = rotated.body.accessToken;
  assert.is((await user.browser.get('/auth/me')).status, 401);
});

test('SESSION_MAX_DAYS is configurable', async () => {
  const short = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', SESSION_MAX_DAYS: '3' });
  try {
    const user = await signedInBrowser(short);
    const { rows } = await db.pool.query("SELECT extract(epoch FROM session_expires_at - created_at) / 86400 AS lifetime, extract(epoch FROM expires_at - created_at) / 86400 AS token FROM refresh_tokens WHERE user_id = $1", [user.userId]);
    assert.is(Math.round(rows[0].lifetime), 3);
    assert.is(Math.round(rows[0].token), 3, 'the refresh token outlived the sign-in');
  } finally {
    await short.close();
  }
});

test.run();
