// Calls one route of shared/api's table on a running sidecar and holds the answer to it: a
// status the route documents, a success body that parses with the route's schema, an error
// body that parses with the error schema and carries a catalogued code with that status.
import { ERROR_CODES, errorBody } from '../../../shared/api/errors.ts';
import { routeSpec, type RouteSpec } from '../../../shared/api/routes.ts';
import type { TestBrowser } from '../support/http-client.ts';

export interface Call {
  method: RouteSpec['method'];
  /** The table's path, `:name` parameters filled from `params`. */
  path: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string>;
  csrf?: boolean;
}

export interface Answer {
  status: number;
  body: any;
  headers: Headers;
}

/** Every `METHOD /path` called so far, so the suite can say which route it never reached. */
export const called = new Set<string>();

export async function callRoute(browser: TestBrowser, call: Call): Promise<Answer> {
  const spec = routeSpec(call.method, call.path);
  const path = call.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(call.params?.[name] ?? ''));
  const query = call.query ? `?${new URLSearchParams(call.query)}` : '';
  const answer = await browser.request(call.method, `${path}${query}`, { json: call.json ?? (call.method === 'POST' || call.method === 'PATCH' ? {} : undefined), headers: call.headers, csrf: call.csrf });
  called.add(`${call.method} ${call.path}`);
  const where = `${call.method} ${path}${query} answered ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`;
  if (!spec.statuses.includes(answer.status)) throw new Error(`${where}: not a status the route documents (${spec.statuses.join(', ')})`);
  if (answer.status >= 400) {
    const parsed = errorBody.safeParse(answer.body);
    if (!parsed.success) throw new Error(`${where}: not an error body: ${parsed.error.message}`);
    const statuses: readonly number[] = ERROR_CODES[parsed.data.error.code].status;
    if (!statuses.includes(answer.status)) throw new Error(`${where}: ${parsed.data.error.code} is catalogued with ${statuses.join(', ')}`);
    return answer;
  }
  if (answer.status >= 300) {
    if (spec.answer !== 'redirect' || !answer.headers.get('location')) throw new Error(`${where}: a redirect the route does not document`);
    return answer;
  }
  checkSuccess(spec, answer, where);
  return answer;
}

function checkSuccess(spec: RouteSpec, answer: Answer, where: string): void {
  if (answer.status === 204) {
    if (answer.body !== undefined) throw new Error(`${where}: a 204 with a body`);
    return;
  }
  if (spec.answer === 'csv') {
    if (!answer.headers.get('content-type')?.startsWith('text/csv')) throw new Error(`${where}: not CSV`);
    return;
  }
  if (!spec.response) throw new Error(`${where}: a body the route does not document`);
  const parsed = spec.response.safeParse(answer.body);
  if (!parsed.success) throw new Error(`${where}: does not parse with the route's schema: ${parsed.error.message}`);
}

/** The call must answer this status (on top of being documented and well-formed). */
export async function expectStatus(browser: TestBrowser, call: Call, status: number): Promise<Answer> {
  const answer = await callRoute(browser, call);
  if (answer.status !== status) throw new Error(`${call.method} ${call.path}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.body)?.slice(0, 300)}`);
  return answer;
}
