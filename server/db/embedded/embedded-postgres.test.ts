import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { EmbeddedPostgres } from './embedded-postgres.ts';
import { copyToSharedCache } from './binaries.ts';
import { canAccess, resolveRunAs } from './postgres-user.ts';
import { freePort } from '../../test/support/test-postgres.ts';

const isRoot = process.getuid?.() === 0;
const cleanup: string[] = [];
test.after(() => {
  for (const dir of cleanup) fs.rmSync(dir, { recursive: true, force: true });
});

// CI clones into a folder we do not choose; under /root (mode 700) the `postgres` user can
// reach neither the binaries in node_modules nor a data folder inside the checkout.
test('a data folder the postgres user cannot enter is relocated and still works', async () => {
  if (!isRoot) return; // the case exists only when we run as root
  const locked = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-locked-'));
  fs.chmodSync(locked, 0o700);
  cleanup.push(locked);
  const dataDir = path.join(locked, 'data');
  const server = new EmbeddedPostgres({ dataDir, port: await freePort(), settings: { fsync: 'off' } });
  const started = await server.start();
  try {
    assert.is(started.relocated, true);
    assert.ok(fs.lstatSync(path.join(dataDir, 'pg')).isSymbolicLink());
    cleanup.push(path.dirname(fs.readlinkSync(path.join(dataDir, 'pg'))));
    const client = new pg.Client({ connectionString: server.url() });
    await client.connect();
    assert.is((await client.query('SELECT 1 AS one')).rows[0].one, 1);
    await client.end();
  } finally {
    await server.stop();
  }
});

test('binaries the postgres user cannot reach are copied to a readable cache, symlinks kept', () => {
  if (!isRoot) return;
  const runAs = resolveRunAs();
  const locked = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-locked-bin-'));
  fs.chmodSync(locked, 0o700);
  cleanup.push(locked);
  const native = path.join(locked, 'native');
  fs.mkdirSync(path.join(native, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(native, 'lib'), { recursive: true });
  fs.writeFileSync(path.join(native, 'bin', 'postgres'), '#!/bin/sh\necho ok\n', { mode: 0o700 });
  fs.writeFileSync(path.join(native, 'lib', 'libx.so.1.2'), 'lib', { mode: 0o600 });
  fs.symlinkSync('libx.so.1.2', path.join(native, 'lib', 'libx.so'));
  assert.not.ok(canAccess(runAs, '-x', path.join(native, 'bin', 'postgres')));
  const version = `test-${process.pid}-${Date.now()}`;
  const copied = copyToSharedCache(native, version);
  cleanup.push(path.dirname(copied));
  assert.ok(canAccess(runAs, '-x', path.join(copied, 'bin', 'postgres')));
  assert.ok(canAccess(runAs, '-r', path.join(copied, 'lib', 'libx.so')));
  assert.is(fs.readlinkSync(path.join(copied, 'lib', 'libx.so')), 'libx.so.1.2');
  assert.is(copyToSharedCache(native, version), copied, 'a complete cache is reused');
});

test('a second cluster on a data folder in use is refused with the owner pid', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-inuse-'));
  fs.chmodSync(dataDir, 0o755);
  cleanup.push(dataDir);
  const first = new EmbeddedPostgres({ dataDir, port: await freePort(), settings: { fsync: 'off' } });
  await first.start();
  try {
    const second = new EmbeddedPostgres({ dataDir, port: await freePort() });
    try {
      await second.start();
      assert.unreachable('two clusters on one data folder');
    } catch (error) {
      assert.match((error as Error).message, new RegExp(`in use by process ${first.pid}`));
    }
  } finally {
    await first.stop();
  }
});

test.run();
