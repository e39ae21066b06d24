// The page's sign-in probe on a first visit: no refresh cookie is "nobody signed in here"
// (204, no body), not a failed request; a bad cookie is still refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sidecarSuite } from './support/sidecar-suite.ts';

const env = sidecarSuite(test, { AUTH_RATE_LIMIT_ENABLED: 'false' });

test('POST /auth/refresh without a cookie answers 204 with no body and sets no cookie', async () => {
  const answer = await env.sidecar.browser().post('/auth/refresh', {});
  assert.is(answer.status, 204);
  assert.is(answer.body, undefined);
  assert.is(answer.headers.get('set-cookie'), null);
});

test('a refresh cookie that is not valid is still a 401', async () => {
  const browser = env.sidecar.browser();
  browser.cookies.set('ff_refresh', 'not-a-token');
  const answer = await browser.post('/auth/refresh', {}, { csrf: true });
  assert.is(answer.status, 401, JSON.stringify(answer.body));
});

test.run();
