// Two-factor authentication over HTTP against a real PostgreSQL: setup and enable with codes
// computed here from the returned secret (as an authenticator app would), the two-step
// login, single-use TOTP codes and backup codes, disable, reset-password with 2FA, and the
// step token that must open nothing but the second step.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { Secret, TOTP, URI } from 'otpauth';
import { signedInBrowser, startTestSidecar } from './support/sidecar-fixtures.ts';
import { sidecarSuite } from './support/sidecar-suite.ts';
import type { TestBrowser } from './support/http-client.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false' });
const PERIOD_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The user's authenticator app. The server accepts the codes of the current 30 s step and
 * of one step either side, each step once; so a test gets up to three codes at once by
 * starting one step back. A code one step back is only handed out with 3 s of its window
 * left, so it cannot fall out of the window between here and the server.
 */
class Authenticator {
  private lastStep = Number.NEGATIVE_INFINITY;
  private readonly totp: TOTP;

  constructor(readonly secret: string) {
    this.totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  }

  async next(): Promise<string> {
    for (;;) {
      const now = Date.now();
      const current = Math.floor(now / PERIOD_MS);
      const left = (current + 1) * PERIOD_MS - now;
      const step = [...(left > 3000 ? [current - 1] : []), current, current + 1].find((s) => s > this.lastStep);
      if (step !== undefined) {
        this.lastStep = step;
        return this.totp.generate({ timestamp: step * PERIOD_MS });
      }
      await sleep(left + 50);
    }
  }

  /** A six-digit code that is none of the ones the server would accept now. */
  wrong(): string {
    const now = Date.now();
    const valid = new Set([-2, -1, 0, 1, 2].map((d) => this.totp.generate({ timestamp: now + d * PERIOD_MS })));
    for (let n = 123456; ; n++) if (!valid.has(String(n))) return String(n);
  }
}

interface TwoFactorUser {
  browser: TestBrowser;
  email: string;
  password: string;
  userId: string;
  app: Authenticator;
  backupCodes: string[];
}

/** A signed-in user who has set up and enabled 2FA. */
async function twoFactorUser(): Promise<TwoFactorUser> {
  const user = await signedInBrowser(env.sidecar);
  const setup = await user.browser.post('/auth/2fa/setup', { password: user.password });
  assert.is(setup.status, 200, JSON.stringify(setup.body));
  const app = new Authenticator(setup.body.secret);
  const enabled = await user.browser.post('/auth/2fa/enable', { code: await app.next(), password: user.password });
  assert.is(enabled.status, 200, JSON.stringify(enabled.body));
  return { ...user, app, backupCodes: enabled.body.backupCodes };
}

/** Step one of a login for a 2FA account: the step token. */
async function passwordStep(browser: TestBrowser, email: string, password: string): Promise<string> {
  const login = await browser.post('/auth/login', { email, password });
  assert.is(login.status, 200, JSON.stringify(login.body));
  assert.is(login.body.twoFactorRequired, true);
  assert.not.ok(login.body.accessToken);
  return login.body.twoFactorToken;
}

test('setup, enable, log out, and sign in again in two steps', async () => {
  const { browser, email, password } = await signedInBrowser(env.sidecar);
  // A stolen access token alone sets nothing up: the password is asked for again.
  assert.is((await browser.post('/auth/2fa/setup', {})).body.error.code, 'VALIDATION_FAILED');
  assert.is((await browser.post('/auth/2fa/setup', { password: 'Not-The-Password-1' })).body.error.code, 'INVALID_CREDENTIALS');
  const first = await browser.post('/auth/2fa/setup', { password });
  assert.is(first.status, 200);
  assert.is(first.headers.get('cache-control'), 'no-store');
  assert.is(Secret.fromBase32(first.body.secret).bytes.length, 20);
  const uri = URI.parse(first.body.otpauthUri);
  assert.ok(uri instanceof TOTP);
  assert.is(uri.issuer, 'FingerFlow');
  assert.is(uri.label, email);
  assert.is(uri.secret.base32, first.body.secret);
  const stored = await env.db.pool.query('SELECT secret_encrypted, enabled_at FROM totp_secrets');
  assert.is(stored.rows[0].enabled_at, null);
  assert.not.ok(stored.rows[0].secret_encrypted.toString('latin1').includes(first.body.secret), 'secret stored in plain text');

  // Scanning again replaces the unconfirmed secret: codes of the first one no longer enable.
  const second = await browser.post('/auth/2fa/setup', { password });
  assert.is.not(second.body.secret, first.body.secret);
  const stale = await browser.post('/auth/2fa/enable', { code: await new Authenticator(first.body.secret).next(), password });
  assert.is(stale.status, 400);
  assert.is(stale.body.error.code, 'TWO_FACTOR_INVALID');
  const app = new Authenticator(second.body.secret);
  const enabled = await browser.post('/auth/2fa/enable', { code: await app.next(), password });
  assert.is(enabled.status, 200, JSON.stringify(enabled.body));
  assert.is(enabled.headers.get('cache-control'), 'no-store');
  assert.match((await env.sidecar.smtp.next(email)).text, /two-factor authentication was turned on/);
  const codes: string[] = enabled.body.backupCodes;
  assert.is(codes.length, 10);
  assert.is(new Set(codes).size, 10);
  for (const code of codes) assert.match(code, /^[a-z2-7]{5}-[a-z2-7]{5}$/);
  const hashes = await env.db.pool.query('SELECT code_hash FROM totp_backup_codes');
  assert.is(hashes.rows.length, 10);
  assert.not.ok(hashes.rows.some((r) => codes.some((c) => r.code_hash.toString('latin1').includes(c.replace('-', '')))), 'backup codes stored in plain text');
  assert.is((await browser.get('/auth/me')).body.user.twoFactorEnabled, true);
  assert.is((await browser.post('/auth/2fa/setup', { password })).body.error.code, 'TWO_FACTOR_ALREADY_ENABLED');
  assert.is((await browser.post('/auth/2fa/enable', { code: '123456', password })).status, 409);

  assert.is((await browser.post('/auth/logout', {}, { csrf: true })).status, 204);
  const fresh = env.sidecar.browser();
  const token = await passwordStep(fresh, email, password);
  assert.not.ok(fresh.cookies.has('ff_refresh'), 'step one already signed in');
  const wrong = await fresh.post('/auth/login/2fa', { twoFactorToken: token, code: app.wrong() });
  assert.is(wrong.status, 401);
  assert.is(wrong.body.error.code, 'TWO_FACTOR_INVALID');
  const done = await fresh.post('/auth/login/2fa', { twoFactorToken: token, code: await app.next() });
  assert.is(done.status, 200, JSON.stringify(done.body));
  assert.ok(done.body.accessToken);
  assert.ok(fresh.cookies.has('ff_refresh'));
  fresh.accessToken = done.body.accessToken;
  assert.is((await fresh.get('/auth/me')).body.user.email, email);
  for (const event of ['auth_2fa_setup_started', 'auth_2fa_enabled', 'auth_2fa_failed', 'auth_2fa_succeeded', 'auth_reauth_failed']) {
    assert.ok(env.sidecar.logs.some((l) => l.includes(`"event":"${event}"`)), `no ${event} log line`);
  }
});

test('a TOTP code is accepted once, even within its 90 s of validity', async () => {
  const { email, password, app } = await twoFactorUser();
  const browser = env.sidecar.browser();
  const code = await app.next();
  const token = await passwordStep(browser, email, password);
  assert.is((await browser.post('/auth/login/2fa', { twoFactorToken: token, code })).status, 200);
  const again = env.sidecar.browser();
  const replay = await again.post('/auth/login/2fa', { twoFactorToken: await passwordStep(again, email, password), code });
  assert.is(replay.status, 401, 'a replayed code was accepted');
  assert.is(replay.body.error.code, 'TWO_FACTOR_INVALID');
  assert.not.ok(again.cookies.has('ff_refresh'));
});

test('a backup code works once, in any case and spacing', async () => {
  const { email, password, backupCodes, userId } = await twoFactorUser();
  const [first, second] = backupCodes as [string, string];
  const browser = env.sidecar.browser();
  const used = await browser.post('/auth/login/2fa', { twoFactorToken: await passwordStep(browser, email, password), code: ` ${first.toUpperCase()} ` });
  assert.is(used.status, 200, JSON.stringify(used.body));
  const again = env.sidecar.browser();
  const token = await passwordStep(again, email, password);
  assert.is((await again.post('/auth/login/2fa', { twoFactorToken: token, code: first })).status, 401, 'a backup code worked twice');
  assert.is((await again.post('/auth/login/2fa', { twoFactorToken: token, code: second })).status, 200);
  const { rows } = await env.db.pool.query('SELECT count(*)::int AS n FROM totp_backup_codes WHERE user_id = $1 AND used_at IS NOT NULL', [userId]);
  assert.is(rows[0].n, 2);
});

test('disable needs both the password and a code', async () => {
  const { browser, email, password, app, userId } = await twoFactorUser();
  const code = await app.next();
  const missingCode = await browser.post('/auth/2fa/disable', { password });
  assert.is(missingCode.body.error.code, 'VALIDATION_FAILED');
  assert.ok(missingCode.body.error.details.fields.code);
  assert.is((await browser.post('/auth/2fa/disable', { code })).body.error.code, 'VALIDATION_FAILED');
  const wrongPassword = await browser.post('/auth/2fa/disable', { password: 'Not-The-Password-1', code });
  assert.is(wrongPassword.status, 400);
  assert.is(wrongPassword.body.error.code, 'INVALID_CREDENTIALS');
  const wrongCode = await browser.post('/auth/2fa/disable', { password, code: app.wrong() });
  assert.is(wrongCode.body.error.code, 'TWO_FACTOR_INVALID');
  assert.is((await env.sidecar.browser().post('/auth/2fa/disable', { password, code })).status, 401, 'disabled without signing in');
  // The code was not used up by the refused attempts.
  const disabled = await browser.post('/auth/2fa/disable', { password, code });
  assert.is(disabled.status, 200, JSON.stringify(disabled.body));
  const left = await env.db.pool.query('SELECT (SELECT count(*) FROM totp_secrets WHERE user_id = $1)::int AS secrets, (SELECT count(*) FROM totp_backup_codes WHERE user_id = $1)::int AS codes', [userId]);
  assert.equal(left.rows[0], { secrets: 0, codes: 0 });
  const login = await env.sidecar.browser().post('/auth/login', { email, password });
  assert.ok(login.body.accessToken, 'login still asks for a second factor');
  assert.is((await browser.post('/auth/2fa/disable', { password, code: await app.next() })).body.error.code, 'TWO_FACTOR_NOT_ENABLED');
  assert.ok(env.sidecar.logs.some((l) => l.includes('"event":"auth_2fa_disabled"')));
});

test('reset-password for a 2FA account needs the code', async () => {
  const { email, app } = await twoFactorUser();
  await env.sidecar.browser().post('/auth/forgot-password', { email });
  const mail = await env.sidecar.smtp.next(email, 5000, /Reset your/);
  const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text)?.[1];
  const anonymous = env.sidecar.browser();
  const without = await anonymous.post('/auth/reset-password', { token, password: 'Brand-New-Pass-8' });
  assert.is(without.status, 400);
  assert.is(without.body.error.code, 'TWO_FACTOR_REQUIRED');
  assert.is((await anonymous.post('/auth/reset-password', { token, password: 'Brand-New-Pass-8', code: app.wrong() })).body.error.code, 'TWO_FACTOR_INVALID');
  const reset = await anonymous.post('/auth/reset-password', { token, password: 'Brand-New-Pass-8', code: await app.next() });
  assert.is(reset.status, 200, JSON.stringify(reset.body));
  await passwordStep(env.sidecar.browser(), email, 'Brand-New-Pass-8');
});

test('regenerating backup codes needs a code and invalidates the old ones', async () => {
  const { browser, email, password, app, backupCodes } = await twoFactorUser();
  assert.is((await browser.post('/auth/2fa/backup-codes', { code: await app.next() })).body.error.code, 'VALIDATION_FAILED', 'no password asked for');
  assert.is((await browser.post('/auth/2fa/backup-codes', { code: app.wrong(), password })).body.error.code, 'TWO_FACTOR_INVALID');
  assert.is((await env.sidecar.browser().post('/auth/2fa/backup-codes', { code: await app.next(), password })).status, 401);
  const fresh = await browser.post('/auth/2fa/backup-codes', { code: await app.next(), password });
  assert.is(fresh.status, 200, JSON.stringify(fresh.body));
  const codes: string[] = fresh.body.backupCodes;
  assert.is(codes.length, 10);
  assert.not.ok(codes.some((c) => backupCodes.includes(c)));
  const other = env.sidecar.browser();
  const token = await passwordStep(other, email, password);
  assert.is((await other.post('/auth/login/2fa', { twoFactorToken: token, code: backupCodes[0] })).status, 401, 'an old backup code still works');
  assert.is((await other.post('/auth/login/2fa', { twoFactorToken: token, code: codes[0] })).status, 200);
  assert.ok(env.sidecar.logs.some((l) => l.includes('"event":"auth_2fa_backup_codes_regenerated"')));
});

test('the step token opens nothing but step two, and only a step token opens step two', async () => {
  const { email, password, app, userId } = await twoFactorUser();
  const browser = env.sidecar.browser();
  const token = await passwordStep(browser, email, password);
  browser.accessToken = token;
  const me = await browser.get('/auth/me');
  assert.is(me.status, 401, 'the step token worked as an access token');
  browser.accessToken = undefined;

  const other = await signedInBrowser(env.sidecar);
  const key = env.sidecar.deps.keys.key('login-2fa');
  const now = Math.floor(Date.now() / 1000);
  const claims = { issuer: 'fingerflow', subject: userId } as const;
  const forged: Array<[string, string]> = [
    ['an access token', other.browser.accessToken!],
    ['alg none', jwt.sign({ typ: 'login-2fa' }, null, { algorithm: 'none', audience: 'login-2fa', expiresIn: 300, ...claims })],
    ['a wrong audience', jwt.sign({ typ: 'login-2fa' }, key, { algorithm: 'HS256', audience: 'api', expiresIn: 300, ...claims })],
    ['an expired token', jwt.sign({ typ: 'login-2fa', iat: now - 600, exp: now - 300 }, key, { algorithm: 'HS256', audience: 'login-2fa', ...claims })],
    ['another key', jwt.sign({ typ: 'login-2fa' }, env.sidecar.deps.keys.key('access'), { algorithm: 'HS256', audience: 'login-2fa', expiresIn: 300, ...claims })],
    ['garbage', 'not-a-token'],
  ];
  const code = await app.next();
  for (const [what, twoFactorToken] of forged) {
    const response = await browser.post('/auth/login/2fa', { twoFactorToken, code });
    assert.is(response.status, 401, `${what} was accepted as a step token`);
    assert.ok(['TOKEN_INVALID', 'TOKEN_EXPIRED'].includes(response.body.error.code), what);
  }
  assert.ok(env.sidecar.logs.some((l) => l.includes('"reason":"step_token_expired"')));
  // The same code with a token made the right way passes: the refusals above were the token's.
  const genuine = jwt.sign({ typ: 'login-2fa' }, key, { algorithm: 'HS256', audience: 'login-2fa', expiresIn: 300, jwtid: randomUUID(), ...claims });
  assert.is((await browser.post('/auth/login/2fa', { twoFactorToken: genuine, code })).status, 200);
  assert.is((await browser.post('/auth/login/2fa', { twoFactorToken: genuine, code: await app.next() })).status, 401, 'a step token was used twice');
});

test('a step token completes one sign-in only, whatever the code', async () => {
  const { email, password, backupCodes } = await twoFactorUser();
  const browser = env.sidecar.browser();
  const token = await passwordStep(browser, email, password);
  assert.is((await browser.post('/auth/login/2fa', { twoFactorToken: token, code: backupCodes[0] })).status, 200);
  const second = await env.sidecar.browser().post('/auth/login/2fa', { twoFactorToken: token, code: backupCodes[1] });
  assert.is(second.status, 401, 'a used step token minted a second sign-in');
  assert.is(second.body.error.code, 'TOKEN_INVALID');
  assert.ok(env.sidecar.logs.some((l) => l.includes('"reason":"step_token_reused"')));
});

test('wrong codes count towards the account lockout', async () => {
  const { email, password, app } = await twoFactorUser();
  const browser = env.sidecar.browser();
  const token = await passwordStep(browser, email, password); // attempt 1 of 5
  for (let attempt = 2; attempt <= 4; attempt++) assert.is((await browser.post('/auth/login/2fa', { twoFactorToken: token, code: app.wrong() })).status, 401);
  const last = await browser.post('/auth/login/2fa', { twoFactorToken: token, code: app.wrong() });
  assert.is(last.status, 423);
  assert.is(last.body.error.code, 'AUTH_LOCKED');
  assert.ok(Number(last.headers.get('retry-after')) > 0);
  const right = await browser.post('/auth/login/2fa', { twoFactorToken: token, code: await app.next() });
  assert.is(right.status, 423, 'a locked account accepted a code');
});

test('step two is rate limited per IP, code checks per account, with Retry-After', async () => {
  const limited = await startTestSidecar(env.db.url, env.db.pool);
  try {
    const browser = limited.browser();
    for (let i = 0; i < 5; i++) assert.is((await browser.post('/auth/login/2fa', { twoFactorToken: 'not-a-token', code: '123456' })).status, 401);
    const refused = await browser.post('/auth/login/2fa', { twoFactorToken: 'not-a-token', code: '123456' });
    assert.is(refused.status, 429);
    assert.is(refused.body.error.code, 'RATE_LIMITED');
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    assert.ok(limited.logs.some((l) => l.includes('"rule":"two_factor"')));
    // Code checks of a signed-in account (with a stolen access token and even the password)
    // count toward the same per-account throttle as sign-in attempts.
    const owner = await twoFactorUser();
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await owner.browser.post('/auth/2fa/disable', { password: owner.password, code: owner.app.wrong() })).status);
    assert.ok(statuses.includes(423), `statuses ${statuses.join(' ')}`);
    const right = await owner.browser.post('/auth/2fa/disable', { password: owner.password, code: await owner.app.next() });
    assert.is(right.status, 423, 'a throttled account accepted a code');
    assert.ok(Number(right.headers.get('retry-after')) > 0);
  } finally {
    await limited.close();
  }
});

test.run();
