import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { matchRoute } from './routes.ts';

const at = (href: string) => matchRoute(new URL(href, 'http://x'));

test('static and parameterised paths', () => {
  assert.is(at('/').name, 'typing');
  assert.is(at('/history/').name, 'history');
  assert.equal(at('/sessions/abc').params, { id: 'abc' });
  assert.is(at('/watch/abc#ticket=t1').hash, 'ticket=t1');
});

test('deep links keep their query', () => {
  const route = at('/verify?token=xyz');
  assert.is(route.name, 'verify');
  assert.is(route.query.get('token'), 'xyz');
});

test('unknown paths are not-found', () => {
  assert.is(at('/nope/1/2').name, 'not-found');
});

test.run();
