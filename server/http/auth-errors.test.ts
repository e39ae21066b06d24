import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Context } from 'koa';
import { AuthError } from '../auth/errors.ts';
import { HttpError } from './errors.ts';
import { translateAuthErrors } from './auth-errors.ts';

function fakeContext(): { ctx: Context; headers: Map<string, string> } {
  const headers = new Map<string, string>();
  return { ctx: { set: (name: string, value: string) => headers.set(name, value) } as unknown as Context, headers };
}

async function translated(error: Error): Promise<{ thrown: unknown; headers: Map<string, string> }> {
  const { ctx, headers } = fakeContext();
  try {
    await translateAuthErrors(ctx, () => Promise.reject(error));
  } catch (thrown) {
    return { thrown, headers };
  }
  throw new Error('nothing was thrown');
}

test('each kind of refusal answers one status, with its code, message and details', async () => {
  const cases = [['invalid', 400], ['unauthenticated', 401], ['forbidden', 403], ['not_found', 404], ['conflict', 409]] as const;
  for (const [kind, status] of cases) {
    const { thrown } = await translated(new AuthError(kind, 'TOKEN_INVALID', 'nope', { fields: { code: 'invalid' } }));
    assert.instance(thrown, HttpError);
    const http = thrown as HttpError;
    assert.equal([http.status, http.code, http.message, http.details], [status, 'TOKEN_INVALID', 'nope', { fields: { code: 'invalid' } }]);
  }
});

test('a lockout answers 423 with Retry-After', async () => {
  const { thrown, headers } = await translated(new AuthError('locked', 'AUTH_LOCKED', 'wait', { retryAfterSeconds: 90 }));
  assert.is((thrown as HttpError).status, 423);
  assert.is(headers.get('Retry-After'), '90');
});

test('other errors pass through untouched', async () => {
  const bug = new Error('bug');
  assert.is((await translated(bug)).thrown, bug);
});

test.run();
