// What API.md's route rows say a route takes and answers, held to the route table: the
// top-level fields of each body and answer written in a row (`{ mode, config? }` →
// `201 { session, ingest }`), which of them are optional, and the status written before an
// answer. A row that names a field the schema lacks, leaves one out, or states a status the
// route does not answer fails here. Rows naming several routes are held to the route list
// only (api-routes-doc.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { routeSpec, type RouteSpec } from '../../../shared/api/routes.ts';
import { documentedRoutes } from './api-route-table.ts';
import { parseShape, shapeProblems } from './api-doc-shapes.ts';
import { readDoc, tables } from './doc-tables.ts';

interface Row {
  route: RouteSpec;
  /** Shapes written before the arrow (or all of them for a route without a body). */
  before: string[];
  after: string[];
}

/** API.md's route rows that name exactly one route. */
function singleRouteRows(page: string): Row[] {
  const rows: Row[] = [];
  const lines = page.split('\n');
  lines.forEach((line, i) => {
    if (!/^\| route \| auth \| does \|/.test(line)) return;
    for (const cells of tables(lines.slice(i).join('\n'))[0]!) {
      const routes = documentedRoutes(`| route | auth | does |\n|---|---|---|\n| ${cells.join(' | ')} |`);
      if (routes.length !== 1) continue;
      const [method, path] = routes[0]!.split(' ') as [RouteSpec['method'], string];
      const does = cells[2]!;
      const arrow = does.indexOf('→');
      const spans = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((s) => parseShape(s));
      rows.push({ route: routeSpec(method, path), before: spans(arrow < 0 ? does : does.slice(0, arrow)), after: arrow < 0 ? [] : spans(does.slice(arrow)) });
    }
  });
  return rows;
}

const rows = singleRouteRows(readDoc('server/http/API.md'));
const name = (row: Row) => `${row.route.method} ${row.route.path}`;

test('the row scan finds shapes (a sanity check on the scan itself)', () => {
  assert.ok(rows.length > 30, `only ${rows.length} rows`);
  const create = rows.find((r) => name(r) === 'POST /api/sessions')!;
  assert.equal(parseShape(create.after[0]!), { status: 201, fields: [{ name: 'session', optional: false }, { name: 'ingest', optional: false }] });
});

test('every body and answer a row writes has the fields of the schema, optional where it is', () => {
  const problems: string[] = [];
  for (const row of rows) {
    // Without an arrow, a route with a body writes the body; one without writes its answer.
    const bodies = row.route.body ? row.before : [];
    const answers = row.route.body ? row.after : [...row.before, ...row.after];
    for (const span of bodies) for (const p of shapeProblems(parseShape(span)!, row.route.body!, true)) problems.push(`${name(row)} body \`${span}\`: ${p}`);
    // An answer described as ending up elsewhere (`{ sessions, ... }` on the sessions file) is
    // only checked when the route answers JSON.
    if (!row.route.response) continue;
    for (const span of answers) for (const p of shapeProblems(parseShape(span)!, row.route.response, false)) problems.push(`${name(row)} answer \`${span}\`: ${p}`);
  }
  assert.equal(problems, []);
});

test('a status written before an answer is one the route answers, and a success other than 200 is written', () => {
  const problems: string[] = [];
  for (const row of rows) {
    const written = [...row.before, ...row.after].map((s) => parseShape(s)!.status).filter((s): s is number => s !== undefined);
    for (const status of written) if (!row.route.statuses.includes(status)) problems.push(`${name(row)}: ${status} is not documented in the route table`);
    const success = row.route.statuses.filter((s) => s >= 200 && s < 300 && s !== 200 && s !== 204);
    const text = [...row.before, ...row.after].join(' ');
    for (const status of success) if (!written.includes(status) && !text.includes(String(status))) problems.push(`${name(row)}: answers ${status}, which its row does not say`);
  }
  assert.equal(problems, []);
});

test.run();
