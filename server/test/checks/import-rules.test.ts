import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkFile, envReaders, importCycles, importsOf, sourceFiles } from './import-rules.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

test('the repository keeps every import rule', () => {
  const files = sourceFiles(root);
  assert.ok(files.length > 20, `found only ${files.length} source files`);
  const violations = files.flatMap((f) => checkFile(root, f, fs.readFileSync(path.join(root, f), 'utf8')));
  assert.equal(violations.map((v) => `${v.file} imports ${v.specifier}: ${v.why}`), []);
});

test('no import cycle anywhere', () => {
  assert.equal(importCycles(root, sourceFiles(root)).map((c) => c.join(' -> ')), []);
});

test('the cycle check finds a cycle of two files and of three, and nothing in a chain', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cycles-'));
  const write = (name: string, ...imports: string[]) => fs.writeFileSync(path.join(dir, name), imports.map((i) => `import type { X } from './${i}';\n`).join(''));
  write('a.ts', 'b.ts');
  write('b.ts', 'a.ts');
  write('c.ts', 'd.ts');
  write('d.ts', 'e.ts');
  write('e.ts', 'c.ts');
  write('f.ts', 'g.ts');
  write('g.ts');
  const cycles = importCycles(dir, ['a.ts', 'b.ts', 'c.ts', 'd.ts', 'e.ts', 'f.ts', 'g.ts']);
  fs.rmSync(dir, { recursive: true });
  assert.equal(cycles, [['a.ts', 'b.ts', 'a.ts'], ['c.ts', 'd.ts', 'e.ts', 'c.ts']]);
});

test('only server/config/ reads process.env', () => {
  assert.equal(envReaders(root, sourceFiles(root)), []);
});

test('the checker catches each kind of forbidden import', () => {
  assert.equal(checkFile(root, 'server/ingest/x.ts', "import Koa from 'koa';").length, 1);
  assert.equal(checkFile(root, 'server/ingest/x.ts', "import { a } from '../http/app.ts';").length, 1);
  assert.equal(checkFile(root, 'server/http/x.ts', "import uWS from 'uWebSockets.js';").length, 1);
  assert.equal(checkFile(root, 'shared/protocol/x.ts', "import { c } from '../../server/config/index.ts';").length, 1);
  assert.equal(checkFile(root, 'shared/protocol/x.ts', "import fs from 'node:fs';").length, 1);
  assert.equal(checkFile(root, 'shared/protocol/x.test.ts', "import fs from 'node:fs';").length, 0);
  assert.equal(checkFile(root, 'client/src/x.ts', "const m = await import('../../server/db/pool.ts');").length, 1);
  assert.equal(checkFile(root, 'server/ingest/core/x.ts', "import pg from 'pg';").length, 1);
  assert.equal(checkFile(root, 'server/ingest/core/x.ts', "import { a } from '../../shared/protocol/codec.ts';").length, 0);
  assert.equal(checkFile(root, 'server/http/x.ts', "import Router from '@koa/router';").length, 0);
  assert.equal(checkFile(root, 'server/test/x.test.ts', "import { l } from '../../tools/load/run-load.ts';").length, 1);
  assert.equal(checkFile(root, 'tools/load/x.ts', "import { p } from '../../server/db/pool.ts';").length, 0);
  assert.equal(checkFile(root, 'tools/load/x.ts', "import { c } from '../../shared/protocol/codec.ts';").length, 0);
  assert.equal(checkFile(root, 'server/ingest/core/x.ts', "import { w } from '../store/keystroke-writer.ts';").length, 1);
  assert.equal(checkFile(root, 'server/ingest/core/x.ts', "import { t } from '../transport/ws-route.ts';").length, 1);
  assert.equal(checkFile(root, 'server/ingest/store/x.ts', "import { t } from '../transport/ws-route.ts';").length, 1);
  assert.equal(checkFile(root, 'server/ingest/transport/x.ts', "import { w } from '../store/keystroke-writer.ts';").length, 1);
  assert.equal(checkFile(root, 'server/ingest/store/x.ts', "import type { P } from '../core/ports.ts';").length, 0);
  assert.equal(checkFile(root, 'server/ingest/transport/x.ts', "import { H } from '../core/hub.ts';").length, 0);
  assert.equal(checkFile(root, 'server/http/x.ts', "import { a } from '../analytics/index.ts';").length, 0);
  assert.equal(checkFile(root, 'server/http/x.ts', "import { a } from '../analytics/sql/session-sql.ts';").length, 1);
  assert.equal(checkFile(root, 'server/test/x.test.ts', "import { a } from '../analytics/cache/refresh.ts';").length, 1);
  assert.equal(checkFile(root, 'server/analytics/sql/x.test.ts', "import { a } from '../cache/refresh.ts';").length, 0);
  assert.equal(checkFile(root, 'tools/bench/analytics-bench.ts', "import { a } from '../../server/analytics/queries/session-query.ts';").length, 0);
  assert.equal(checkFile(root, 'tools/bench/analytics-bench.ts', "import { a } from '../../server/analytics/cache/refresh.ts';").length, 1);
});

test('auth\'s use cases never speak HTTP', () => {
  assert.equal(checkFile(root, 'server/auth/use-cases/x.ts', "import type { Context } from 'koa';").length, 1);
  assert.equal(checkFile(root, 'server/auth/x.ts', "import { HttpError } from '../http/errors.ts';").length, 1);
  assert.equal(checkFile(root, 'server/auth/store/x.ts', "import type { Queryable } from '../../db/queryable.ts';").length, 0);
});

test('imports are found in every form', () => {
  const found = importsOf(`import a from 'a';\nimport { b } from "b";\nexport { c } from './c.ts';\nimport 'side-effect';\nconst d = await import('d');\nimport type { E } from 'e';`);
  assert.equal(found.sort(), ['./c.ts', 'a', 'b', 'd', 'e', 'side-effect']);
});

test.run();
