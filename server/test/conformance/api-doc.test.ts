// API.md against the sidecar's code, both ways: every error code the server can answer is
// documented (with its status where the code states one), and every code in API.md's error
// tables is one the server really produces. A new code without a doc row, or a doc row for a
// code nothing sends any more, fails here.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REPO_ROOT } from '../support/processes.ts';
import { readDoc } from './doc-tables.ts';

// shared/protocol too: the import route answers the ingest time rules' codes (offset-rules.ts).
const SOURCE_DIRS = ['server/http', 'server/auth', 'server/db', 'server/analytics', 'shared/protocol'];

function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
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

test('the scan finds the server codes (a sanity check on the scan itself)', () => {
  for (const code of ['VALIDATION_FAILED', 'SESSION_NOT_FOUND', 'TOKEN_REVOKED', 'AUTH_LOCKED', 'ANALYTICS_TIMEOUT', 'IMPORT_EVENTS_MISSING']) assert.ok(produced.codes.has(code), code);
  assert.ok(produced.codes.size > 50, `only ${produced.codes.size} codes found`);
});

test('every error code the server answers is documented in API.md (ingest codes in PROTOCOL.md)', () => {
  const documented = new Set([...codesInBackticks(API), ...codesInBackticks(PROTOCOL)]);
  const missing = [...produced.codes.keys()].filter((code) => !documented.has(code)).sort();
  assert.equal(missing, [], `undocumented codes: ${missing.join(', ')}`);
});

test('where the code states a status, API.md has an error row with that status and code', () => {
  const rows = errorRows(API);
  const missing: string[] = [];
  for (const [code, statuses] of produced.codes) {
    for (const status of statuses) {
      if (!rows.some((row) => row.status === status && row.codes.includes(code))) missing.push(`${status} ${code}`);
    }
  }
  assert.equal(missing.sort(), [], `no error row for: ${missing.join(', ')}`);
});

test('every code in API.md\'s error tables is one the server produces', () => {
  const stale = errorRows(API).flatMap((row) => row.codes).filter((code) => !produced.codes.has(code));
  assert.equal([...new Set(stale)].sort(), [], `documented but never sent: ${stale.join(', ')}`);
});

test.run();
