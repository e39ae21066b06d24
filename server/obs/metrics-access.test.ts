import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { metricsAccess } from './metrics-access.ts';

const production = { production: true, token: undefined };
const withToken = { production: true, token: 'scrape-secret-123' };

test('locally, anyone reads metrics', () => {
  assert.is(metricsAccess({ production: false, token: undefined }, { authorization: undefined, forwarded: true }), 'allow');
});

test('production: through the proxy the path does not exist, unless the token comes with it', () => {
  assert.is(metricsAccess(production, { authorization: undefined, forwarded: true }), 'not_found');
  assert.is(metricsAccess(production, { authorization: undefined, forwarded: true }, 'health'), 'not_found');
  assert.is(metricsAccess(withToken, { authorization: 'Bearer wrong', forwarded: true }), 'not_found');
  assert.is(metricsAccess(withToken, { authorization: 'Bearer scrape-secret-123', forwarded: true }), 'allow');
});

test('production: direct (internal) requests pass; with METRICS_TOKEN set, metrics want it, health does not', () => {
  assert.is(metricsAccess(production, { authorization: undefined, forwarded: false }), 'allow');
  assert.is(metricsAccess(withToken, { authorization: undefined, forwarded: false }), 'unauthorized');
  assert.is(metricsAccess(withToken, { authorization: 'Basic c2NyYXBl', forwarded: false }), 'unauthorized');
  assert.is(metricsAccess(withToken, { authorization: 'Bearer scrape-secret-123', forwarded: false }), 'allow');
  assert.is(metricsAccess(withToken, { authorization: undefined, forwarded: false }, 'health'), 'allow');
});

test.run();
