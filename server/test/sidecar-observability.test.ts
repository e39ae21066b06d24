// The sidecar's observability from the outside: /metrics counts requests by route and
// status with latency and shows the database pool; every answer carries an X-Request-Id,
// the access log has one line per request with it, and an error's log line carries the
// same id, so a user's report ("request id ...") leads to the failure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import Router from '@koa/router';
import { createRegistry } from '../obs/metrics.ts';
import { registerPoolMetrics } from '../obs/db-metrics.ts';
import { API_ROUTES } from '../http/api-routes.ts';
import { freshDatabase, type TestDatabase } from './support/database.ts';
import { startTestSidecar, type TestSidecar } from './support/sidecar-fixtures.ts';

let db: TestDatabase;
let sidecar: TestSidecar;
const registry = createRegistry('fingerflow-sidecar');

/** A route that fails the way a bug does, to see what the logs say about it. */
const failing = () => new Router().get('/api/test-only/boom', () => {
  throw new Error('a bug');
});

test.before(async () => {
  db = await freshDatabase();
  registerPoolMetrics(registry, { api: db.pool });
  sidecar = await startTestSidecar(db.url, db.pool, { AUTH_RATE_LIMIT_ENABLED: 'false' }, [...API_ROUTES, failing], { registry });
});

test.after(async () => {
  await sidecar.close();
  await db.drop();
});

function logLines(): Array<Record<string, unknown>> {
  return sidecar.logs.flatMap((chunk) => chunk.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('/metrics: requests by method, route pattern and status, latency by route, the database pool', async () => {
  await fetch(`${sidecar.base}/health`);
  await fetch(`${sidecar.base}/api/sessions/00000000-0000-0000-0000-000000000000`);
  await fetch(`${sidecar.base}/api/no-such-thing`);
  const response = await fetch(`${sidecar.base}/metrics`);
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain/);
  const text = await response.text();
  assert.match(text, /^http_requests_total\{method="GET",route="\/health",status="200",service="fingerflow-sidecar"\} 1$/m);
  // The pattern, not the id: labels stay bounded whatever the paths (refused before a route
  // of the prefix matched: the prefix).
  assert.match(text, /^http_requests_total\{method="GET",route="\/api\/sessions\/\*",status="401",service="fingerflow-sidecar"\} 1$/m);
  assert.not.match(text, /00000000-0000/);
  assert.match(text, /^http_requests_total\{method="GET",route="unmatched",status="404",service="fingerflow-sidecar"\} 1$/m);
  assert.match(text, /^http_request_duration_seconds_count\{service="fingerflow-sidecar",method="GET",route="\/health"\} 1$/m);
  assert.match(text, /^db_pool_connections\{pool="api",service="fingerflow-sidecar"\} \d+$/m);
  assert.match(text, /^db_pool_waiting_requests\{pool="api",service="fingerflow-sidecar"\} 0$/m);
});

test('request ids: answered in X-Request-Id, in the access log, and in the error log of a failing request', async () => {
  const plain = await fetch(`${sidecar.base}/api/config`);
  const id = plain.headers.get('x-request-id');
  assert.match(id ?? '', /^[0-9a-f-]{36}$/);
  const access = logLines().find((l) => l.event === 'http_request' && l.requestId === id);
  assert.ok(access, 'no access-log line with the request id');
  assert.is(access.method, 'GET');
  assert.is(access.status, plain.status);
  assert.type(access.ms, 'number');

  // An id from Traefik or the client is kept; a malformed one is replaced.
  const given = await fetch(`${sidecar.base}/api/test-only/boom`, { headers: { 'x-request-id': 'trace-1234abcd' } });
  assert.is(given.status, 500);
  assert.is(given.headers.get('x-request-id'), 'trace-1234abcd');
  const error = logLines().find((l) => l.event === 'http_unhandled_error');
  assert.ok(error, 'the failure was not logged');
  assert.is(error.requestId, 'trace-1234abcd');
  assert.ok(logLines().some((l) => l.event === 'http_request' && l.requestId === 'trace-1234abcd' && l.status === 500));
  const forged = await fetch(`${sidecar.base}/health`, { headers: { 'x-request-id': 'x\u00e9 "quoted"' } });
  assert.match(forged.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});

test.run();
