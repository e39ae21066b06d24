// The routes on each side of the contract, as `METHOD /path` strings: API.md's route tables,
// shared/api's route table, and the routers the sidecar really mounts.
import type Koa from 'koa';
import { ROUTES } from '../../../shared/api/routes.ts';
import { tables } from './doc-tables.ts';

const METHODS = ['GET', 'POST', 'PATCH', 'DELETE', 'PUT'];

/**
 * The routes of every `| route | auth | does |` table of a page. A cell lists routes in
 * backticks separated by ` · `; a route without a method takes the one before it, and
 * `.{csv,json}` stands for both.
 */
export function documentedRoutes(page: string): string[] {
  return documentedRouteRows(page).map((r) => r.route);
}

/** The auth column's words, as the route table names them (`refresh cookie` is `cookie`). */
function authOf(cell: string): string[] {
  return cell.split(' / ').map((part) => {
    const word = part.trim().split(/[\s,(]/)[0]!;
    if (word === '`X-Loadtest-Token`') return 'loadtest';
    if (word === 'refresh') return 'cookie';
    return word;
  });
}

/** Each documented route with the auth its row states (one of them, for `user / owner`). */
export function documentedRouteRows(page: string): Array<{ route: string; auth: string[] }> {
  const found: Array<{ route: string; auth: string[] }> = [];
  const lines = page.split('\n');
  lines.forEach((line, i) => {
    if (!/^\| route \| auth \| does \|/.test(line)) return;
    for (const row of tables(lines.slice(i).join('\n'))[0]!) {
      let method = '';
      for (const span of row[0]!.matchAll(/`([^`]+)`/g)) {
        const [first, second] = span[1]!.trim().split(/\s+/);
        if (first && METHODS.includes(first) && second) method = first;
        const path = METHODS.includes(first!) ? second : first;
        if (!path?.startsWith('/') || !method) continue;
        const braces = /\{([^}]+)\}/.exec(path);
        for (const variant of braces ? braces[1]!.split(',').map((v) => path.replace(braces[0], v)) : [path]) found.push({ route: `${method} ${variant}`, auth: authOf(row[1]!) });
      }
    }
  });
  return found;
}

export function tableRoutes(): string[] {
  return ROUTES.map((r) => `${r.method} ${r.path}`);
}

/** What the app's routers answer under /api and /auth (HEAD comes with GET and is left out). */
export function mountedRoutes(app: Koa): string[] {
  const found = new Set<string>();
  for (const middleware of app.middleware as Array<{ router?: { stack: Array<{ path: string; methods: string[] }> } }>) {
    for (const layer of middleware.router?.stack ?? []) {
      if (!/^\/(api|auth)\//.test(layer.path)) continue;
      for (const method of layer.methods) if (method !== 'HEAD') found.add(`${method} ${layer.path}`);
    }
  }
  return [...found];
}

/** Entries of `a` that are not in `b`, sorted, for a readable failure. */
export function missingFrom(a: readonly string[], b: readonly string[]): string[] {
  const other = new Set(b);
  return [...new Set(a)].filter((x) => !other.has(x)).sort();
}
