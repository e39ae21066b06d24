import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Auth, SignedOutError } from './auth.ts';

// Auth reads the CSRF cookie and asks the sidecar through fetch: both are stubbed here.
(globalThis as { document?: unknown }).document ??= { cookie: '' };

const jwt = (sub: string) => `x.${Buffer.from(JSON.stringify({ sub })).toString('base64url')}.y`;
const json = (status: number, body?: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status });

/** A sidecar whose refresh answers come from `refresh` in turn; counts anonymous typists made. */
function sidecar(refresh: Response[]) {
  const calls = { anonymous: 0 };
  globalThis.fetch = (async (input: RequestInfo | URL) => {
    const path = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (path === '/auth/refresh') return refresh.shift() ?? json(204);
    if (path === '/api/anonymous') return calls.anonymous++, json(200, { accessToken: jwt('anon'), expiresIn: 900 });
    throw new Error(`unexpected ${path}`);
  });
  return calls;
}

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  const items = new Map<string, string>();
  return { getItem: (k) => items.get(k) ?? null, setItem: (k, v) => void items.set(k, v), removeItem: (k) => void items.delete(k) };
}

test('a first visit (204, never signed in here) becomes an anonymous typist', async () => {
  const calls = sidecar([json(204)]);
  const auth = new Auth(memoryStorage());
  await auth.token();
  assert.is(auth.userId, 'anon');
  assert.is(calls.anonymous, 1);
});

test('signed out elsewhere: the 401 clears the cookie, and the 204s after it still say signed out', async () => {
  const calls = sidecar([json(200, { accessToken: jwt('account'), expiresIn: 1 }), json(401, { error: { code: 'REFRESH_REVOKED', message: 'sign in again' } }), json(204), json(204)]);
  const auth = new Auth(memoryStorage());
  let notices = 0;
  auth.onsignedout = () => notices++;
  await auth.token(); // expires within the renewal margin: every token() renews
  auth.rememberAccount('account');
  for (let i = 0; i < 3; i++) await auth.token().then(() => assert.unreachable('a token while signed out'), (error: unknown) => assert.instance(error, SignedOutError));
  assert.is(calls.anonymous, 0, 'became a new anonymous typist');
  assert.is(auth.userId, 'account', 'the keystrokes typed meanwhile still belong to the account');
  assert.is(notices, 1);
  assert.ok(auth.signedOut);
});

test('after "go on without the account", a 204 makes an anonymous typist', async () => {
  const calls = sidecar([json(401, { error: { code: 'REFRESH_REVOKED', message: 'sign in again' } })]);
  const auth = new Auth(memoryStorage());
  auth.rememberAccount('account');
  await auth.token().catch((error: unknown) => assert.instance(error, SignedOutError));
  await auth.continueWithoutAccount();
  assert.is(auth.userId, 'anon');
  assert.is(calls.anonymous, 1);
  assert.not.ok(auth.signedOut);
});

test.run();
