// Rotating SECRET_KEY, from the outside: a user who set up 2FA under the old key signs in
// with a code while the new key runs with the old one as SECRET_KEY_PREVIOUS, after
// `rotate-secret` re-encrypted the stored secrets, and after the old key is dropped.
// Without the key ring, the same sign-in fails: that is what rotation used to do.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { signedInBrowser, startTestSidecar } from './support/sidecar-fixtures.ts';
import { TestBrowser } from './support/http-client.ts';
import { run } from '../../ops/test/support.ts';

const OLD = randomBytes(32).toString('hex');
const NEW = randomBytes(32).toString('hex');
let db: TestDatabase;

/** Codes for one authenticator, each 30 s step at most once, as the server requires. */
function authenticator(secret: string): () => Promise<string> {
  const totp = new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
  const used = new Set<number>();
  return async () => {
    for (;;) {
      const now = Date.now();
      const step = [Math.floor(now / 30_000) - 1, Math.floor(now / 30_000), Math.floor(now / 30_000) + 1].find((s) => !used.has(s) && (s * 30_000 + 30_000 - now > 3000 || s >= Math.floor(now / 30_000)));
      if (step !== undefined) {
        used.add(step);
        return totp.generate({ timestamp: step * 30_000 });
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
}

async function signInWithCode(keys: Record<string, string>, email: string, password: string, code: () => Promise<string>): Promise<number> {
  const sidecar = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', ...keys });
  try {
    const browser = sidecar.browser();
    const login = await browser.post('/auth/login', { email, password });
    assert.is(login.status, 200, JSON.stringify(login.body));
    assert.is(login.body.twoFactorRequired, true);
    const second = await browser.post('/auth/login/2fa', { twoFactorToken: login.body.twoFactorToken, code: await code() });
    return second.status;
  } finally {
    await sidecar.close();
  }
}

function rotateSecret(args: string[], keys: Record<string, string>) {
  return run(process.execPath, ['--import', 'tsx', 'server/bin/rotate-secret.ts', ...args], { NODE_ENV: 'test', DATABASE_URL: db.url, ...keys });
}

test.before(async () => {
  db = await freshDatabase();
});

test.after(async () => {
  await db.drop();
});

test('2FA survives a SECRET_KEY rotation: previous key accepted, rotate-secret re-encrypts, then the old key can go', async () => {
  // 2FA set up under the old key.
  const before = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', SECRET_KEY: OLD });
  let email: string;
  let password: string;
  let code: () => Promise<string>;
  try {
    const user = await signedInBrowser(before);
    ({ email, password } = user);
    const setup = await user.browser.post('/auth/2fa/setup', { password }); // re-authentication (issue 14)
    assert.is(setup.status, 200);
    code = authenticator(setup.body.secret);
    assert.is((await user.browser.post('/auth/2fa/enable', { code: await code(), password })).status, 200);
  } finally {
    await before.close();
  }

  // The new key alone cannot read the stored secret: the failure rotation used to cause.
  assert.is.not(await signInWithCode({ SECRET_KEY: NEW }, email, password, code), 200);

  // Step 1: the new key, with the old one kept as previous. Sign-in works.
  const ring = { SECRET_KEY: NEW, SECRET_KEY_PREVIOUS: OLD };
  assert.is(await signInWithCode(ring, email, password, code), 200);

  // Step 2: rotate-secret re-encrypts; --check says before (exit 3) and after (exit 0).
  const pending = await rotateSecret(['--check'], ring);
  assert.is(pending.code, 3, pending.stdout + pending.stderr);
  assert.match(pending.stdout, /"reencrypted":1/);
  const done = await rotateSecret([], ring);
  assert.is(done.code, 0, done.stdout + done.stderr);
  assert.match(done.stdout, /"event":"secret_rotation_reencrypted".*"checked":1,"reencrypted":1,"unreadable":0/);
  const again = await rotateSecret([], ring);
  assert.match(again.stdout, /"reencrypted":0/, 'idempotent');
  assert.is((await rotateSecret(['--check'], ring)).code, 0);

  // Step 3: the old key dropped. Sign-in still works; the old key alone no longer does.
  assert.is(await signInWithCode({ SECRET_KEY: NEW }, email, password, code), 200);
  const wrongRing = await rotateSecret(['--check'], { SECRET_KEY: OLD });
  assert.is(wrongRing.code, 1);
  assert.match(wrongRing.stdout + wrongRing.stderr, /secret_rotation_unreadable/);
});

test('a session signed in before the rotation keeps working under the ring: access token, CSRF, refresh', async () => {
  const before = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', SECRET_KEY: OLD });
  let old: TestBrowser;
  try {
    old = (await signedInBrowser(before)).browser;
  } finally {
    await before.close();
  }
  /** The same browser state (cookies, access token) against another sidecar. */
  const carry = (base: string) => {
    const browser = new TestBrowser(base);
    for (const [name, value] of old.cookies) browser.cookies.set(name, value);
    browser.accessToken = old.accessToken;
    return browser;
  };
  // Without the ring the same state is refused: what rotating used to do to everyone.
  const bare = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', SECRET_KEY: NEW });
  try {
    assert.is((await carry(bare.base).get('/auth/me')).status, 401);
    assert.is((await carry(bare.base).post('/auth/refresh', {}, { csrf: true })).status, 403);
  } finally {
    await bare.close();
  }
  const ring = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', SECRET_KEY: NEW, SECRET_KEY_PREVIOUS: OLD });
  try {
    const browser = carry(ring.base);
    assert.is((await browser.get('/auth/me')).status, 200, 'the access token signed with the old key');
    const refreshed = await browser.post('/auth/refresh', {}, { csrf: true });
    assert.is(refreshed.status, 200, `refresh with the CSRF token of the old key: ${JSON.stringify(refreshed.body)}`);
    browser.accessToken = refreshed.body.accessToken;
    old = browser;
  } finally {
    await ring.close();
  }
  // Tokens issued under the ring are the new key's: they survive dropping the old one.
  const after = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false', SECRET_KEY: NEW });
  try {
    assert.is((await carry(after.base).get('/auth/me')).status, 200);
  } finally {
    await after.close();
  }
});

test('rotate-secret: bad arguments and a missing database get one line, no stack trace', async () => {
  const bad = await run(process.execPath, ['--import', 'tsx', 'server/bin/rotate-secret.ts', '--now']);
  assert.is(bad.code, 2);
  assert.match(bad.stderr, /^usage: rotate-secret/);
  const down = await run(process.execPath, ['--import', 'tsx', 'server/bin/rotate-secret.ts'], { NODE_ENV: 'test', SECRET_KEY: NEW, DATABASE_URL: 'postgres://u:p@127.0.0.1:9/none' });
  assert.is(down.code, 1);
  assert.is(down.stderr.trim().split('\n').length, 1, down.stderr);
  assert.not.match(down.stderr, /\n\s+at /);
});

test.run();
