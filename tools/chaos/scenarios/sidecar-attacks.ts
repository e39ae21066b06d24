import { totpFor } from '../../../server/auth/second-factor.ts';
import { signedInBrowser, startTestSidecar, type TestSidecar } from '../../../server/test/support/sidecar-fixtures.ts';
import { ChaosEnv } from '../harness.ts';
import { accountTakeoverChecks } from './account-takeover-attacks.ts';
import { fromChecks, type Scenario } from '../result.ts';
import { wire } from '../wire.ts';

// What a response must never show: database or runtime internals.
const LEAKS = /syntax error|pg_|relation "|column "|duplicate key|stack|\bat \S+\.ts:|node_modules|SELECT |INSERT /i;
const INJECTIONS = ["' OR '1'='1", "'; DROP TABLE users; --", '" OR ""="', '1); DELETE FROM keystrokes; --', '\\x00\u0000', '$(reboot)', '<script>alert(1)</script>', '%00%27'];
const HUGE = 'A'.repeat(200_000);

/** The sidecar under attack: guessing, replays, forgery, injection and oversized input. */
export const sidecarAttacks: Scenario = {
  name: 'auth attacks on the sidecar',
  quick: false,
  async run() {
    const env = await ChaosEnv.create();
    const sidecars: TestSidecar[] = [];
    try {
      const oauth = { GOOGLE_CLIENT_ID: 'chaos-client', GOOGLE_CLIENT_SECRET: 'chaos-secret', GOOGLE_ISSUER_URL: 'http://127.0.0.1:9' };
      const limited = await startTestSidecar(env.url, env.db, oauth);
      const proxied = await startTestSidecar(env.url, env.db, { TRUSTED_PROXIES: '127.0.0.1' });
      // (throttling and lockout are shared through PostgreSQL, so they hold across all three)
      // Accounts for the attacks are made where the per-address limits are off: with them on,
      // this one machine could register only three.
      const open = await startTestSidecar(env.url, env.db, { AUTH_RATE_LIMIT_ENABLED: 'false' });
      sidecars.push(limited, proxied, open);
      const checks: Array<[boolean, string]> = [];

      // Brute force: one address is rate limited; many addresses hit the account lockout.
      const fromOne = [];
      for (let i = 0; i < 6; i++) fromOne.push((await limited.browser().post('/auth/login', { email: `someone${i}@example.com`, password: `guess-${i}` })).status);
      checks.push([fromOne.join() === '401,401,401,401,401,429', `6 guesses at 6 accounts from one address: ${fromOne.join(' ')}`]);
      const victim = await signedInBrowser(open);
      const fromOneAddress = [];
      for (let i = 0; i < 6; i++) fromOneAddress.push((await proxied.browser({ 'x-forwarded-for': '198.51.100.10' }).post('/auth/login', { email: victim.email, password: `guess-${i}` })).status);
      checks.push([fromOneAddress.slice(0, 4).every((s) => s === 401) && fromOneAddress[4] === 423 && [423, 429].includes(fromOneAddress[5]!), `6 guesses at one account from one address: ${fromOneAddress.join(' ')} (that address waits after 5)`]);

      // Refresh-token reuse revokes the family.
      const user = await signedInBrowser(open);
      const first = user.browser.cookies.get('ff_refresh')!;
      await user.browser.post('/auth/refresh', {}, { csrf: true });
      const thief = open.browser();
      thief.cookies.set('ff_refresh', first);
      thief.cookies.set('ff_csrf', user.browser.cookies.get('ff_csrf')!);
      const replay = await thief.post('/auth/refresh', {}, { csrf: true });
      const after = await user.browser.post('/auth/refresh', {}, { csrf: true });
      checks.push([wire(replay).error?.code === 'REFRESH_REUSED' && after.status === 401, `refresh reuse: ${replay.status} ${wire(replay).error?.code}, then the family is revoked (${after.status})`]);

      // A TOTP code is accepted once.
      const twoFactor = await signedInBrowser(open);
      const setup = await twoFactor.browser.post('/auth/2fa/setup', { password: twoFactor.password });
      const totp = totpFor(wire(setup).secret as string);
      const code = totp.generate();
      await twoFactor.browser.post('/auth/2fa/enable', { code, password: twoFactor.password });
      const step = await open.browser().post('/auth/login', { email: twoFactor.email, password: twoFactor.password });
      const replayed = await open.browser().post('/auth/login/2fa', { twoFactorToken: wire(step).twoFactorToken, code });
      checks.push([replayed.status === 401, `a TOTP code used twice: ${replayed.status} ${wire(replayed).error?.code}`]);

      // A forged CSRF token.
      const csrf = await signedInBrowser(open);
      const forged = await csrf.browser.post('/auth/refresh', {}, { headers: { 'x-csrf-token': 'forged.token' } });
      checks.push([forged.status === 403 && wire(forged).error?.code === 'CSRF_INVALID', `forged CSRF token: ${forged.status}`]);

      // An OAuth callback with a state that was never issued.
      const callback = await fetch(`${limited.base}/auth/google/callback?code=stolen&state=forged`, { redirect: 'manual' });
      const location = callback.headers.get('location') ?? '';
      checks.push([callback.status === 302 && location.includes('/login?error='), `OAuth state mismatch: ${callback.status} -> ${location}`]);

      checks.push(...(await accountTakeoverChecks(open, proxied)));

      // Injection and oversized input on every text field: 4xx or stored verbatim, never a 500, never internals.
      const probe = await signedInBrowser(open);
      const attempts: Array<[string, string, unknown]> = [];
      for (const bad of [...INJECTIONS, HUGE]) {
        attempts.push(
          ['POST', '/auth/register', { email: `${bad}@example.com`, password: `Aa1${bad}`, displayName: bad }],
          ['POST', '/auth/login', { email: bad, password: bad }],
          ['POST', '/auth/forgot-password', { email: bad }],
          ['POST', '/auth/verify', { token: bad }],
          ['PATCH', '/auth/me', { displayName: bad }],
          ['POST', '/api/word-sets', { name: bad, words: [bad, 'ok'] }],
          ['POST', '/api/sessions', { mode: bad, practiceText: bad }],
          ['POST', '/api/sessions', { mode: 'custom', practiceText: bad, keyboardLayout: bad }],
          ['PATCH', '/api/settings', { theme: bad }],
          ['GET', `/api/sessions/${encodeURIComponent(bad)}`, undefined],
          ['GET', `/api/sessions?mode=${encodeURIComponent(bad)}&from=${encodeURIComponent(bad)}`, undefined],
          ['POST', '/api/system/logs', { entries: [{ level: bad, message: bad }] }],
        );
      }
      let serverErrors = 0;
      const failures: string[] = [];
      let leaks = 0;
      for (const [method, path, json] of attempts) {
        const response = await probe.browser.request(method, path, { json });
        if (response.status >= 500) {
          serverErrors++;
          failures.push(`${method} ${path.slice(0, 60)} ${JSON.stringify(json).slice(0, 80)} -> ${response.status}`);
        }
        if (LEAKS.test(typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? ''))) leaks++;
      }
      const users = (await env.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users')).rows[0]!.n;
      checks.push([serverErrors === 0, `${attempts.length} injection and oversized requests: ${serverErrors} answered 5xx${failures.length ? ` (${failures.join('; ')})` : ''}`]);
      checks.push([leaks === 0, `${leaks} responses showed internals`]);
      checks.push([users > 0, 'the users table is still there']);
      return fromChecks(this.name, checks);
    } finally {
      for (const s of sidecars) await s.close();
      await env.destroy();
    }
  },
};
