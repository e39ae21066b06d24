// The page calls only routes of the contract: every `/api/...` and `/auth/...` path written
// in client/src is a route of shared/api/routes.ts, and a call whose method is written
// (`method: 'POST'`, or a request helper's default GET) uses that method.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ROUTES } from '../../../shared/api/routes.ts';
import { sourceFiles } from '../checks/import-rules.ts';
import { REPO_ROOT } from '../support/processes.ts';

interface Use {
  where: string;
  path: string;
  /** Undefined when the line does not say (a path handed to a helper). */
  method?: string;
}

/** `/api/sessions/${id}/ticket?x=${y}` -> `/api/sessions/:param/ticket`. */
function normalise(literal: string): string {
  return literal
    .replace(/\/\$\{[^}]*\}(?=\/|$|\?|\$)/g, '/:param')
    .replace(/\$\{[^}]*\}/g, '')
    .replace(/\?.*$/, '');
}

function uses(): Use[] {
  const found: Use[] = [];
  for (const file of sourceFiles(REPO_ROOT).filter((f) => f.startsWith('client/src/') && !f.endsWith('.test.ts'))) {
    fs.readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n').forEach((line, i) => {
      for (const m of line.matchAll(/['`](\/(?:api|auth)\/[^'`]*)['`]/g)) {
        const written = /method:\s*'(\w+)'/.exec(line)?.[1];
        const isRequest = /(requestJson|request)(<[^(]*>)?\(\s*$/.test(line.slice(0, m.index));
        found.push({ where: `${file}:${i + 1}`, path: normalise(m[1]!), method: written ?? (isRequest ? 'GET' : undefined) });
      }
    });
  }
  return found;
}

const routePaths = ROUTES.map((r) => ({ method: r.method, path: r.path.replace(/:\w+/g, ':param') }));

test('the path scan reads template literals (a sanity check on the scan itself)', () => {
  assert.is(normalise('/api/sessions/${encodeURIComponent(id)}/analytics${query}'), '/api/sessions/:param/analytics');
  assert.is(normalise('/api/analytics/keys?targetWpm=${n}'), '/api/analytics/keys');
  assert.ok(uses().length > 40);
});

test('every API path the page writes is a route of the table, with the method it uses', () => {
  const problems: string[] = [];
  for (const use of uses()) {
    const candidates = routePaths.filter((r) => r.path === use.path);
    if (candidates.length === 0) problems.push(`${use.where}: ${use.path} is not a route`);
    else if (use.method && !candidates.some((r) => r.method === use.method)) problems.push(`${use.where}: ${use.method} ${use.path} is not a route`);
  }
  assert.equal(problems, []);
});

test.run();
