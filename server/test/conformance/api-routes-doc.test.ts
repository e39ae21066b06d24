// API.md's route tables and shared/api's route table are the same set, each way round: a
// route added to one and not the other fails here (api-live.test.ts holds the routes the
// sidecar mounts to the table).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROUTES } from '../../../shared/api/routes.ts';
import { readDoc } from './doc-tables.ts';
import { documentedRouteRows, documentedRoutes, missingFrom, tableRoutes } from './api-route-table.ts';
import { renderStatusTable, statusTableInDoc } from './api-status-table.ts';

const documented = documentedRoutes(readDoc('server/http/API.md'));

test('the doc scan finds API.md\'s routes (a sanity check on the scan itself)', () => {
  for (const route of ['GET /api/config', 'GET /api/analytics/trend', 'GET /api/export/sessions.csv', 'GET /api/loadtest/info', 'POST /auth/2fa/disable', 'DELETE /auth/devices/:id']) assert.ok(documented.includes(route), route);
});

test('every route of the table is unique', () => {
  const seen = tableRoutes();
  assert.equal(seen.length, new Set(seen).size, 'a route is in shared/api/routes.ts twice');
});

test('every route in API.md is in the route table, and every route of the table in API.md', () => {
  assert.equal(missingFrom(documented, tableRoutes()), [], 'in API.md, not in shared/api/routes.ts');
  assert.equal(missingFrom(tableRoutes(), documented), [], 'in shared/api/routes.ts, not in API.md');
});

test('the auth column of API.md is the route table\'s', () => {
  const problems: string[] = [];
  for (const { route, auth } of documentedRouteRows(readDoc('server/http/API.md'))) {
    const spec = ROUTES.find((r) => `${r.method} ${r.path}` === route);
    if (spec && !auth.includes(spec.auth)) problems.push(`${route}: API.md says ${auth.join(' / ')}, the table ${spec.auth}`);
  }
  assert.equal(problems, []);
});

test('API.md\'s statuses per route are the route table\'s (regenerate with api-status-table.ts --write)', () => {
  assert.fixture(statusTableInDoc(readDoc('server/http/API.md')) ?? '(no statuses section)', renderStatusTable());
});

test('every route documents a success and the statuses every route can answer', () => {
  for (const route of ROUTES) {
    assert.ok(route.statuses.some((s) => s >= 200 && s < 400), `${route.method} ${route.path}: no success status`);
    for (const s of [429, 500, 503]) assert.ok(route.statuses.includes(s), `${route.method} ${route.path}: ${s}`);
    assert.is(route.answer === 'json', route.response !== undefined, `${route.method} ${route.path}: a JSON answer needs its schema`);
  }
});

test.run();
