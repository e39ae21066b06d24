// Sign in with Google against a real local OpenID Connect server (oauth2-mock-server):
// discovery, PKCE, the code exchange and RS256-signed ID tokens are all real. The test
// plays the browser: it follows the redirects by hand with the cookies a browser would send.
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Events, OAuth2Server, type MutableResponse, type MutableToken } from 'oauth2-mock-server';
import { Secret, TOTP } from 'otpauth';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { signedInBrowser, startTestSidecar, type TestSidecar } from './support/sidecar-fixtures.ts';
import type { TestBrowser } from './support/http-client.ts';

const CLIENT_ID = 'fingerflow-test.apps.example.com';
const PUBLIC_URL = 'http://localhost:8080'; // the sidecar fixture's PUBLIC_URL
const BINDING_COOKIE = '__Host-ff_oauth';

let db: TestDatabase;
let sidecar: TestSidecar;
let provider: OAuth2Server;
/** Claims the provider puts into the next tokens it signs (the signed-in Google user). */
let claims: Record<string, unknown> = {};

const newGoogleUser = (overrides: Record<string, unknown> = {}) => {
  const id = randomBytes(6).toString('hex');
  claims = { sub: `g-${id}`, email: `g${id}@gmail.example`, email_verified: true, name: `Typist ${id}`, ...overrides };
  return claims as { sub: string; email: string };
};

test.before(async () => {
  provider = new OAuth2Server();
  await provider.issuer.keys.generate('RS256');
  await provider.start(0, '127.0.0.1');
  provider.issuer.url = `http://127.0.0.1:${provider.address().port}`;
  provider.service.on(Events.BeforeTokenSigning, (token: MutableToken) => Object.assign(token.payload, claims));
  db = await freshDatabase();
  sidecar = await startTestSidecar(db.url, db.pool, {
    AUTH_RATE_LIMIT_ENABLED: 'false', GOOGLE_CLIENT_ID: CLIENT_ID, GOOGLE_CLIENT_SECRET: 'test-client-secret', GOOGLE_ISSUER_URL: provider.issuer.url,
  });
});

test.after(async () => {
  await sidecar.close();
  await provider.stop();
  await db.drop();
});

/** GET /auth/google/start, then the provider's authorize endpoint: the callback path and query it sends the browser to. */
async function throughProvider(browser: TestBrowser): Promise<string> {
  const start = await browser.get('/auth/google/start');
  assert.is(start.status, 302, JSON.stringify(start.body));
  const authorize = await fetch(start.headers.get('location')!, { redirect: 'manual' });
  assert.is(authorize.status, 302);
  const callback = new URL(authorize.headers.get('location')!);
  assert.is(`${callback.origin}${callback.pathname}`, `${PUBLIC_URL}/auth/google/callback`);
  return `${callback.pathname}${callback.search}`;
}

/** Where the callback sends the browser. */
async function callback(browser: TestBrowser, path: string): Promise<URL> {
  const response = await browser.get(path);
  assert.is(response.status, 302, `the callback answered ${response.status}: ${JSON.stringify(response.body)}`);
  return new URL(response.headers.get('location')!);
}

/** The whole round trip; returns where the browser lands. */
async function signInWithGoogle(browser: TestBrowser): Promise<URL> {
  return callback(browser, await throughProvider(browser));
}

/** After landing on /?signedIn=google the app asks for an access token with the refresh cookie. */
async function accessTokenAfterRedirect(browser: TestBrowser): Promise<{ id: string; email: string }> {
  const refreshed = await browser.post('/auth/refresh', {}, { csrf: true });
  assert.is(refreshed.status, 200, JSON.stringify(refreshed.body));
  browser.accessToken = refreshed.body.accessToken;
  const me = await browser.get('/auth/me');
  assert.is(me.status, 200);
  return me.body.user;
}

function assertRefused(landing: URL, code: string, reason: string): void {
  assert.is(`${landing.origin}${landing.pathname}`, `${PUBLIC_URL}/login`);
  assert.is(landing.searchParams.get('error'), code);
  assert.ok(sidecar.logs.some((l) => l.includes('"event":"oauth_failed"') && l.includes(`"reason":"${reason}`)), `no oauth_failed log with reason ${reason}`);
}

test('start sends the browser to the provider with PKCE S256, state, nonce and the exact redirect URI', async () => {
  newGoogleUser();
  const browser = sidecar.browser();
  const start = await browser.get('/auth/google/start');
  assert.is(start.status, 302);
  const url = new URL(start.headers.get('location')!);
  assert.is(`${url.origin}${url.pathname}`, `${provider.issuer.url}/authorize`);
  const q = url.searchParams;
  assert.is(q.get('response_type'), 'code');
  assert.is(q.get('client_id'), CLIENT_ID);
  assert.is(q.get('redirect_uri'), `${PUBLIC_URL}/auth/google/callback`);
  assert.is(q.get('code_challenge_method'), 'S256');
  assert.match(q.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/);
  assert.match(q.get('scope')!, /\bopenid\b.*\bemail\b/);
  assert.ok(q.get('state')!.length >= 43 && q.get('nonce')!.length >= 43);
  const cookie = start.headers.getSetCookie().find((c) => c.startsWith(`${BINDING_COOKIE}=`))!;
  for (const flag of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/;', 'Max-Age=600']) assert.ok(`${cookie};`.includes(flag), `binding cookie lacks ${flag}`);
  const { rows } = await db.pool.query("SELECT state_hash, nonce_hash, browser_hash, extract(epoch FROM expires_at - created_at)::int AS ttl FROM oauth_states WHERE provider = 'google'");
  assert.ok(rows.some((r) => r.ttl === 600));
  const stored = JSON.stringify(rows.map((r) => [r.state_hash, r.nonce_hash, r.browser_hash].map((b: Buffer) => b.toString('latin1'))));
  for (const secret of [q.get('state')!, q.get('nonce')!, browser.cookies.get(BINDING_COOKIE)!]) assert.not.ok(stored.includes(secret), 'a flow secret stored in plain text');
});

test('a first sign-in creates a verified account without a password; the next one finds it again', async () => {
  const google = newGoogleUser();
  const browser = sidecar.browser();
  const landing = await signInWithGoogle(browser);
  assert.is(landing.toString(), `${PUBLIC_URL}/?signedIn=google`);
  const user = await accessTokenAfterRedirect(browser);
  assert.is(user.email, google.email);
  const { rows } = await db.pool.query('SELECT u.password_hash, u.email_verified_at, u.display_name, i.subject FROM users u JOIN oauth_identities i ON i.user_id = u.id WHERE u.id = $1', [user.id]);
  assert.is(rows.length, 1);
  assert.is(rows[0].password_hash, null);
  assert.ok(rows[0].email_verified_at);
  assert.is(rows[0].subject, google.sub);
  assert.is(rows[0].display_name, claims.name);
  assert.ok(sidecar.logs.some((l) => l.includes('"event":"oauth_signed_in"') && l.includes('"outcome":"created"')));

  const laptop = sidecar.browser();
  assert.is((await signInWithGoogle(laptop)).searchParams.get('signedIn'), 'google');
  assert.is((await accessTokenAfterRedirect(laptop)).id, user.id);
  const identities = await db.pool.query('SELECT count(*)::int AS n FROM oauth_identities WHERE user_id = $1', [user.id]);
  assert.is(identities.rows[0].n, 1);
});

test('an existing account with the same verified email is never joined by email: sign in and link from the settings', async () => {
  const existing = await signedInBrowser(sidecar);
  const google = newGoogleUser({ email: existing.email.toUpperCase() });
  const browser = sidecar.browser();
  assertRefused(await signInWithGoogle(browser), 'OAUTH_ACCOUNT_EXISTS', 'email_matches_existing_account');
  assert.not.ok(browser.cookies.has('ff_refresh'));
  const { rows } = await db.pool.query("SELECT user_id FROM oauth_identities WHERE provider = 'google' AND subject = $1", [google.sub]);
  assert.is(rows.length, 0);
  assert.is((await sidecar.browser().post('/auth/login', { email: existing.email, password: existing.password })).status, 200);
});

test('linking Google from the settings needs the password, then ends every other sign-in of the account', async () => {
  const owner = await signedInBrowser(sidecar);
  const laptop = sidecar.browser();
  const other = await laptop.post('/auth/login', { email: owner.email, password: owner.password });
  laptop.accessToken = other.body.accessToken;
  const google = newGoogleUser({ email: `linked-${randomBytes(4).toString('hex')}@gmail.example` });
  // A stolen access token alone cannot add a way in.
  assert.is((await owner.browser.post('/auth/google/link', {})).body.error.code, 'PASSWORD_REQUIRED');
  assert.is((await owner.browser.post('/auth/google/link', { password: 'Not-The-Password-1' })).body.error.code, 'INVALID_CREDENTIALS');
  const started = await owner.browser.post('/auth/google/link', { password: owner.password });
  assert.is(started.status, 200, JSON.stringify(started.body));
  const authorize = await fetch(started.body.authorizationUrl, { redirect: 'manual' });
  const back = new URL(authorize.headers.get('location')!);
  const landing = await callback(owner.browser, `${back.pathname}${back.search}`);
  assert.is(landing.searchParams.get('signedIn'), 'google');
  const { rows } = await db.pool.query("SELECT user_id FROM oauth_identities WHERE provider = 'google' AND subject = $1", [google.sub]);
  assert.is(rows[0]?.user_id, owner.userId);
  // Every sign-in from before is over, access tokens included...
  assert.is((await laptop.get('/auth/me')).body.error.code, 'TOKEN_REVOKED');
  assert.is((await laptop.post('/auth/refresh', {}, { csrf: true })).status, 401);
  // ...and the linking browser has a fresh one. Google now signs in to this account.
  assert.is((await accessTokenAfterRedirect(owner.browser)).id, owner.userId);
  const phone = sidecar.browser();
  await signInWithGoogle(phone);
  assert.is((await accessTokenAfterRedirect(phone)).id, owner.userId);
  assert.match((await sidecar.smtp.next(owner.email, 5000, /FingerFlow: sign-in with Google/)).text, /linked/);
});

test('an anonymous typist links Google and becomes an account with its address', async () => {
  const typist = sidecar.browser();
  const anonymous = await typist.post('/api/anonymous');
  typist.accessToken = anonymous.body.accessToken;
  const google = newGoogleUser();
  const started = await typist.post('/auth/google/link', {});
  assert.is(started.status, 200, JSON.stringify(started.body));
  const back = new URL((await fetch(started.body.authorizationUrl, { redirect: 'manual' })).headers.get('location')!);
  await callback(typist, `${back.pathname}${back.search}`);
  const user = await accessTokenAfterRedirect(typist);
  assert.is(user.id, anonymous.body.user.id);
  assert.is(user.email, google.email);
  assert.is((user as unknown as { isAnonymous: boolean }).isAnonymous, false);
  assert.is((await typist.post('/auth/refresh', {}, { csrf: true })).status, 200);
});

test('pre-account takeover 1: an anonymous typist cannot claim an address, so the owner arriving through Google gets an account of their own', async () => {
  const victim = `victim-${randomBytes(4).toString('hex')}@gmail.example`;
  const attacker = sidecar.browser();
  attacker.accessToken = (await attacker.post('/api/anonymous')).body.accessToken;
  const patched = await attacker.request('PATCH', '/auth/me', { json: { email: victim } });
  assert.is(patched.status, 403);
  assert.is(patched.body.error.code, 'ACCOUNT_REQUIRED');
  assert.is((await attacker.post('/auth/email-change', { email: victim, password: 'anything-at-all' })).body.error.code, 'ACCOUNT_REQUIRED');
  newGoogleUser({ email: victim });
  const owner = sidecar.browser();
  await signInWithGoogle(owner);
  const ownerAccount = await accessTokenAfterRedirect(owner);
  assert.is(ownerAccount.email, victim);
  // The attacker's own sign-in still opens only the attacker's (anonymous) account.
  assert.is((await attacker.post('/auth/refresh', {}, { csrf: true })).status, 200);
  const me = await attacker.get('/auth/me');
  assert.is.not(me.body.user.id, ownerAccount.id);
  assert.is(me.body.user.email, null);
});

test('pre-account takeover 2: a reset link from before an email change, and a pending change to the victim\'s address, give the attacker nothing', async () => {
  const attacker = await signedInBrowser(sidecar);
  await sidecar.browser().post('/auth/forgot-password', { email: attacker.email });
  const resetLink = /token=([A-Za-z0-9_-]+)/.exec((await sidecar.smtp.next(attacker.email, 5000, /Reset your/)).text)![1];
  const victim = `victim-${randomBytes(4).toString('hex')}@gmail.example`;
  const asked = await attacker.browser.post('/auth/email-change', { email: victim, password: attacker.password });
  assert.is(asked.status, 202);
  assert.is((await attacker.browser.get('/auth/me')).body.user.email, attacker.email, 'the email changed before the new address confirmed it');
  newGoogleUser({ email: victim });
  const owner = sidecar.browser();
  await signInWithGoogle(owner);
  const ownerAccount = await accessTokenAfterRedirect(owner);
  assert.is.not(ownerAccount.id, attacker.userId);
  // The old reset link still only concerns the attacker's own account and address.
  const reset = await sidecar.browser().post('/auth/reset-password', { token: resetLink, password: 'Attacker-New-Pass-1' });
  assert.is(reset.status, 200);
  assert.is((await sidecar.browser().post('/auth/login', { email: victim, password: 'Attacker-New-Pass-1' })).status, 401);
  const { rows } = await db.pool.query('SELECT password_hash FROM users WHERE id = $1', [ownerAccount.id]);
  assert.is(rows[0].password_hash, null);
});

test('pre-account takeover 3: a squatter\'s unproven registration gives way to the owner, and the squatter keeps no token', async () => {
  const email = `squatter${randomBytes(4).toString('hex')}@example.com`;
  const registered = await sidecar.browser().post('/auth/register', { email, password: 'Squatter-Pass-1' });
  assert.is(registered.status, 202);
  const squat = await db.pool.query('SELECT id FROM users WHERE lower(email) = lower($1)', [email]);
  newGoogleUser({ email });
  const browser = sidecar.browser();
  await signInWithGoogle(browser);
  const user = await accessTokenAfterRedirect(browser);
  assert.is.not(user.id, squat.rows[0].id);
  assert.is((await browser.get('/auth/me')).body.user.emailVerified, true);
  assert.is((await sidecar.browser().post('/auth/login', { email, password: 'Squatter-Pass-1' })).status, 401, 'the unverified registrant kept a way in');
  // The squatter's verification link, mailed to the owner's address, opens nothing now.
  const link = /token=([A-Za-z0-9_-]+)/.exec((await sidecar.smtp.next(email, 5000, /Confirm/)).text)![1];
  assert.is((await sidecar.browser().post('/auth/verify', { token: link })).status, 400);
  assert.ok(sidecar.logs.some((l) => l.includes('"replacedUnproven":true')));
});

test('an account made through Google changes its email after a fresh Google sign-in, not with an old one', async () => {
  const google = newGoogleUser();
  const browser = sidecar.browser();
  await signInWithGoogle(browser);
  const user = await accessTokenAfterRedirect(browser);
  const next = `moved-${randomBytes(4).toString('hex')}@example.com`;
  const fresh = await browser.post('/auth/email-change', { email: next });
  assert.is(fresh.status, 202, JSON.stringify(fresh.body));
  // The same device an hour later must sign in with Google again first.
  await db.pool.query("UPDATE refresh_tokens SET created_at = created_at - interval '1 hour' WHERE user_id = $1", [user.id]);
  const stale = await browser.post('/auth/email-change', { email: next });
  assert.is(stale.status, 400);
  assert.is(stale.body.error.code, 'REAUTH_WITH_PROVIDER');
  assert.is((await browser.get('/auth/me')).body.user.email, google.email);
});

test('a callback without a state, or with one we never issued, is refused', async () => {
  newGoogleUser();
  const browser = sidecar.browser();
  const path = await throughProvider(browser);
  const withoutState = new URL(path, PUBLIC_URL);
  withoutState.searchParams.delete('state');
  assertRefused(await callback(browser, `${withoutState.pathname}${withoutState.search}`), 'OAUTH_STATE_INVALID', 'state_missing');
  const wrongState = new URL(path, PUBLIC_URL);
  wrongState.searchParams.set('state', randomBytes(32).toString('base64url'));
  assertRefused(await callback(browser, `${wrongState.pathname}${wrongState.search}`), 'OAUTH_STATE_INVALID', 'state_unknown');
  assert.not.ok(browser.cookies.has('ff_refresh'));
});

test('a state is used once', async () => {
  newGoogleUser();
  const browser = sidecar.browser();
  const path = await throughProvider(browser);
  assert.is((await callback(browser, path)).searchParams.get('signedIn'), 'google');
  const thief = sidecar.browser();
  thief.cookies.set(BINDING_COOKIE, browser.cookies.get(BINDING_COOKIE)!);
  assertRefused(await callback(thief, path), 'OAUTH_STATE_INVALID', 'state_reused');
  assert.not.ok(thief.cookies.has('ff_refresh'));
});

test('a state started in another browser is refused there, and still works where it started', async () => {
  newGoogleUser();
  const victim = sidecar.browser();
  const path = await throughProvider(victim);
  const noCookie = sidecar.browser();
  assertRefused(await callback(noCookie, path), 'OAUTH_STATE_INVALID', 'browser_binding_missing');
  const otherBrowser = sidecar.browser();
  await otherBrowser.get('/auth/google/start');
  assertRefused(await callback(otherBrowser, path), 'OAUTH_STATE_INVALID', 'browser_mismatch');
  assert.not.ok(otherBrowser.cookies.has('ff_refresh'));
  assert.is((await callback(victim, path)).searchParams.get('signedIn'), 'google');
});

test('a state older than 10 minutes is refused', async () => {
  newGoogleUser();
  const browser = sidecar.browser();
  const path = await throughProvider(browser);
  const state = new URL(path, PUBLIC_URL).searchParams.get('state')!;
  await db.pool.query("UPDATE oauth_states SET expires_at = now() - interval '1 second' WHERE state_hash = sha256($1::bytea)", [Buffer.from(state)]);
  assertRefused(await callback(browser, path), 'OAUTH_STATE_EXPIRED', 'state_expired');
});

test('an email the provider has not verified is refused and creates nothing', async () => {
  const google = newGoogleUser({ email_verified: false });
  const browser = sidecar.browser();
  assertRefused(await signInWithGoogle(browser), 'OAUTH_EMAIL_UNVERIFIED', 'email_not_verified');
  const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM users WHERE lower(email) = lower($1)', [google.email]);
  assert.is(rows[0].n, 0);
  assert.not.ok(browser.cookies.has('ff_refresh'));
});

test('an ID token with the wrong nonce, audience, issuer or expiry is refused', async () => {
  const now = Math.floor(Date.now() / 1000);
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ nonce: randomBytes(32).toString('base64url') }, 'nonce_mismatch'],
    [{ aud: 'someone-elses-client' }, 'id_token_rejected: jwt audience invalid'],
    [{ iss: 'https://accounts.evil.example' }, 'id_token_rejected: jwt issuer invalid'],
    [{ iat: now - 7200, exp: now - 3600 }, 'id_token_expired'],
  ];
  for (const [overrides, reason] of cases) {
    const google = newGoogleUser(overrides);
    const browser = sidecar.browser();
    assertRefused(await signInWithGoogle(browser), 'OAUTH_ID_TOKEN_INVALID', reason);
    assert.not.ok(browser.cookies.has('ff_refresh'), reason);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM oauth_identities WHERE subject = $1', [google.sub]);
    assert.is(rows[0].n, 0, reason);
  }
});

test('a refusal at the provider or a failed code exchange comes back as an error, never a 500', async () => {
  newGoogleUser();
  const browser = sidecar.browser();
  const path = new URL(await throughProvider(browser), PUBLIC_URL);
  assertRefused(await callback(browser, `/auth/google/callback?error=access_denied&state=${path.searchParams.get('state')}`), 'OAUTH_DENIED', 'provider_error: access_denied');
  provider.service.once(Events.BeforeResponse, (response: MutableResponse) => {
    response.statusCode = 400;
    response.body = { error: 'invalid_grant' };
  });
  assertRefused(await signInWithGoogle(browser), 'OAUTH_PROVIDER_ERROR', 'token_exchange_http_400: invalid_grant');
});

test('an account with 2FA is sent to the second step, which completes with a code', async () => {
  const { browser: owner, password } = await signedInBrowser(sidecar);
  const setup = await owner.post('/auth/2fa/setup', { password });
  const totp = new TOTP({ secret: Secret.fromBase32(setup.body.secret), algorithm: 'SHA1', digits: 6, period: 30 });
  const now = Date.now();
  assert.is((await owner.post('/auth/2fa/enable', { code: totp.generate({ timestamp: now - 30_000 }), password })).status, 200);
  // Google for this account, linked from its settings (the code is needed now that 2FA is on).
  newGoogleUser({ email: `twofactor-${randomBytes(4).toString('hex')}@gmail.example` });
  const link = await owner.post('/auth/google/link', { password, code: totp.generate({ timestamp: now }) });
  assert.is(link.status, 200, JSON.stringify(link.body));
  const back = new URL((await fetch(link.body.authorizationUrl, { redirect: 'manual' })).headers.get('location')!);
  await callback(owner, `${back.pathname}${back.search}`);
  const browser = sidecar.browser();
  const landing = await signInWithGoogle(browser);
  assert.is(landing.toString(), `${PUBLIC_URL}/login?twoFactor=1`, 'the step token travelled in the URL');
  assert.ok(browser.cookies.has('ff_2fa'));
  assert.not.ok(browser.cookies.has('ff_refresh'), 'signed in before the second factor');
  const done = await browser.post('/auth/login/2fa', { code: totp.generate({ timestamp: now + 30_000 }) });
  assert.is(done.status, 200, JSON.stringify(done.body));
  assert.ok(done.body.accessToken);
  assert.not.ok(browser.cookies.has('ff_2fa'));
});

test('without GOOGLE_CLIENT_ID both routes answer 501 OAUTH_NOT_CONFIGURED', async () => {
  const bare = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false' });
  try {
    for (const path of ['/auth/google/start', '/auth/google/callback?code=x&state=y']) {
      const response = await bare.browser().get(path);
      assert.is(response.status, 501, path);
      assert.is(response.body.error.code, 'OAUTH_NOT_CONFIGURED');
    }
  } finally {
    await bare.close();
  }
});

test.run();
