// API.md against the sidecar's error-code catalogue (shared/api/errors.ts), both ways: every
// catalogue code and status has an error-table row, and every row is in the catalogue. The
// catalogue types HttpError, so the compiler holds the routes to it; the source scan below
// catches what the compiler cannot see (a code written into a body by hand, a catalogue entry
// nothing sends any more).
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../support/processes.ts';
import { readDoc } from './doc-tables.ts';
import { ERROR_CODES, type ErrorCode } from '../../../shared/api/errors.ts';
import { AUTH_ERROR_STATUS } from '../../http/auth-errors.ts';

// All of the product's server code, wherever a module moves (the ingest server's codes are
// PROTOCOL.md's); shared/protocol too: the import route answers the ingest time rules' codes
// (offset-rules.ts). The tests (and the tools, in tools/) answer nobody.
const SOURCE_DIRS = ['server', 'shared/protocol'];
const NOT_PRODUCT = ['server/test'];

function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        // testing/ folders hold fakes for tests (a fake pool's ECONNREFUSED), not answers.
        if (!NOT_PRODUCT.includes(rel) && entry.name !== 'testing') walk(rel);
      }
      else if (rel.endsWith('.ts') && !rel.endsWith('.test.ts')) files.push(rel);
    }
  };
  SOURCE_DIRS.forEach(walk);
  return files;
}

interface Produced {
  /** code -> statuses stated next to it in `new HttpError(status, 'CODE'` (may be empty). */
  codes: Map<string, Set<number>>;
}

/** The codes the server can answer: HttpError literals, and `code: 'A' | 'B'` results and bodies. */
function producedCodes(): Produced {
  const codes = new Map<string, Set<number>>();
  const add = (code: string, status?: number) => {
    const statuses = codes.get(code) ?? new Set<number>();
    if (status !== undefined) statuses.add(status);
    codes.set(code, statuses);
  };
  for (const file of sourceFiles()) {
    const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
    for (const m of text.matchAll(/new HttpError\(\s*(\d{3}),\s*'([A-Z][A-Z0-9_]+)'/g)) add(m[2]!, Number(m[1]));
    for (const m of text.matchAll(/new HttpError\(\s*[a-z]\w*,\s*'([A-Z][A-Z0-9_]+)'/g)) add(m[1]!);
    for (const m of text.matchAll(/case (\d{3}): return '([A-Z][A-Z0-9_]+)'/g)) add(m[2]!, Number(m[1]));
    // Auth's use cases refuse with a kind, which the HTTP layer maps to one status.
    for (const m of text.matchAll(/new AuthError\(\s*'(\w+)',\s*'([A-Z][A-Z0-9_]+)'/g)) add(m[2]!, AUTH_ERROR_STATUS[m[1] as keyof typeof AUTH_ERROR_STATUS]);
    for (const m of text.matchAll(/code\??: \(?((?:'[A-Z][A-Z0-9_]+'(?: \| )?)+)/g)) {
      for (const c of m[1]!.matchAll(/'([A-Z][A-Z0-9_]+)'/g)) add(c[1]!);
    }
  }
  return { codes };
}

/** Upper-case codes written inside backticks anywhere in a page (`CODE`, `500 CODE`, ...). */
function codesInBackticks(page: string): Set<string> {
  const found = new Set<string>();
  for (const span of page.matchAll(/`([^`\n]+)`/g)) for (const m of span[1]!.matchAll(/\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{4,})\b/g)) found.add(m[1]!);
  return found;
}

/** The error-table rows of API.md: `| status | codes | when |`. */
function errorRows(page: string): Array<{ status: number; codes: string[] }> {
  return [...page.matchAll(/^\| (\d{3}) \| ([^|]+) \|/gm)].map((m) => ({ status: Number(m[1]), codes: [...m[2]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((c) => c[1]!) }));
}

const API = readDoc('server/http/API.md');
const PROTOCOL = readDoc('shared/protocol/PROTOCOL.md');
const produced = producedCodes();
const CATALOGUE = new Set<string>(Object.keys(ERROR_CODES));
const pairs = (list: Array<{ status: number; code: string }>) => new Set(list.map(({ status, code }) => `${status} ${code}`));
const catalogued = pairs(Object.entries(ERROR_CODES).flatMap(([code, entry]) => entry.status.map((status) => ({ status, code }))));
const documented = pairs(errorRows(API).flatMap((row) => row.codes.map((code) => ({ status: row.status, code }))));

test('the scan finds the server codes (a sanity check on the scan itself)', () => {
  for (const code of ['VALIDATION_FAILED', 'SESSION_NOT_FOUND', 'TOKEN_REVOKED', 'AUTH_LOCKED', 'ANALYTICS_TIMEOUT', 'IMPORT_EVENTS_MISSING']) assert.ok(produced.codes.has(code), code);
  assert.ok(produced.codes.size > 50, `only ${produced.codes.size} codes found`);
});

test('every status and code of the catalogue has a row in API.md\'s error tables', () => {
  const missing = [...catalogued].filter((pair) => !documented.has(pair)).sort();
  assert.equal(missing, [], `no error row for: ${missing.join(', ')}`);
});

test('every row of API.md\'s error tables is in the catalogue, with that status', () => {
  const stale = [...documented].filter((pair) => !catalogued.has(pair)).sort();
  assert.equal(stale, [], `documented but not in shared/api/errors.ts: ${stale.join(', ')}`);
});

test('every code the server code answers is in the catalogue (ingest codes in PROTOCOL.md), with its status', () => {
  const protocolCodes = codesInBackticks(PROTOCOL);
  const unknown = [...produced.codes.keys()].filter((code) => !CATALOGUE.has(code) && !protocolCodes.has(code)).sort();
  assert.equal(unknown, [], `codes outside the catalogue: ${unknown.join(', ')}`);
  const wrongStatus: string[] = [];
  for (const [code, statuses] of produced.codes) {
    if (!CATALOGUE.has(code)) continue;
    for (const status of statuses) if (!catalogued.has(`${status} ${code}`)) wrongStatus.push(`${status} ${code}`);
  }
  assert.equal(wrongStatus.sort(), [], `statuses the catalogue does not list: ${wrongStatus.join(', ')}`);
});

test('every catalogue code is one the server really sends', () => {
  const sources = sourceFiles().filter((file) => !file.startsWith('shared/api/')).map((file) => fs.readFileSync(path.join(REPO_ROOT, file), 'utf8')).join('\n');
  const unused = (Object.keys(ERROR_CODES) as ErrorCode[]).filter((code) => !sources.includes(`'${code}'`)).sort();
  assert.equal(unused, [], `in the catalogue but sent nowhere: ${unused.join(', ')}`);
});

test.run();
