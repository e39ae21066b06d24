// The page takes the API's types from shared/api, never its zod schemas: a value import of a
// module that brings zod along would put zod (~60 KB) into the browser bundle for nothing.
// Type-only imports (`import type`, `export type`) are erased and pull in nothing.
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sourceFiles } from '../checks/import-rules.ts';
import { REPO_ROOT } from '../support/processes.ts';

const STATEMENT = /(?:^|\n)\s*(import|export)\s+(type\s+)?[^'";]*?from\s*['"]([^'"]+)['"]|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g;

/** The modules a file loads at run time (type-only imports left out). */
function runtimeImports(source: string): string[] {
  return [...source.matchAll(STATEMENT)].filter((m) => !m[2]).map((m) => m[3] ?? m[4]!).filter(Boolean);
}

const zodCache = new Map<string, boolean>();
/** Whether loading this file (relative to the repo) loads zod, directly or through its imports. */
function loadsZod(file: string, seen = new Set<string>()): boolean {
  const cached = zodCache.get(file);
  if (cached !== undefined) return cached;
  if (seen.has(file)) return false;
  seen.add(file);
  const source = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
  const result = runtimeImports(source).some((specifier) => {
    if (specifier === 'zod' || specifier.startsWith('zod/')) return true;
    if (!specifier.startsWith('.')) return false;
    return loadsZod(path.relative(REPO_ROOT, path.resolve(REPO_ROOT, path.dirname(file), specifier)).split(path.sep).join('/'), seen);
  });
  zodCache.set(file, result);
  return result;
}

test('the scan sees through type-only imports (a sanity check on the scan itself)', () => {
  assert.ok(loadsZod('shared/api/settings.ts'));
  assert.not.ok(loadsZod('shared/api/settings-defaults.ts'), 'settings-defaults is plain data');
  assert.not.ok(loadsZod('client/src/api/http.ts'), 'http.ts takes the error types only');
  assert.equal(runtimeImports("import type { A } from './a.ts';\nimport { B } from './b.ts';\nexport type { C } from './c.ts';"), ['./b.ts']);
});

test('no client file loads zod, itself or through shared/api', () => {
  const offenders = sourceFiles(REPO_ROOT).filter((f) => f.startsWith('client/') && !f.endsWith('.test.ts') && loadsZod(f));
  assert.equal(offenders, [], 'use `import type` for shared/api schemas; plain data goes in a zod-free module');
});

test.run();
