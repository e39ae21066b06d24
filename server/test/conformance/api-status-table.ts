// API.md's "Statuses per route" table, generated from shared/api/routes.ts. The conformance
// test fails when the page and the table differ; run this file with --write to regenerate
// the page's section after changing the route table:
//   node --import tsx server/test/conformance/api-status-table.ts --write
import fs from 'node:fs';
import path from 'node:path';
import { ANY_ROUTE_STATUSES, ROUTES } from '../../../shared/api/routes.ts';
import { REPO_ROOT } from '../support/processes.ts';

export const BEGIN = '<!-- statuses:begin (generated from shared/api/routes.ts) -->';
export const END = '<!-- statuses:end -->';
const API_MD = path.join(REPO_ROOT, 'server/http/API.md');

/** The section's text between the markers, one row a route. */
export function renderStatusTable(): string {
  const any = new Set<number>(ANY_ROUTE_STATUSES);
  const rows = ROUTES.map((r) => `| \`${r.method} ${r.path}\` | ${r.statuses.filter((s) => !any.has(s)).join(', ')} |`);
  return ['| route | statuses |', '|---|---|', ...rows].join('\n');
}

/** The section as the page has it now. */
export function statusTableInDoc(page: string): string | undefined {
  const begin = page.indexOf(BEGIN);
  const end = page.indexOf(END);
  return begin < 0 || end < begin ? undefined : page.slice(begin + BEGIN.length, end).trim();
}

if (process.argv.includes('--write')) {
  const page = fs.readFileSync(API_MD, 'utf8');
  if (statusTableInDoc(page) === undefined) throw new Error(`API.md has no ${BEGIN} ... ${END} section`);
  const begin = page.indexOf(BEGIN) + BEGIN.length;
  fs.writeFileSync(API_MD, `${page.slice(0, begin)}\n${renderStatusTable()}\n${page.slice(page.indexOf(END))}`);
}
