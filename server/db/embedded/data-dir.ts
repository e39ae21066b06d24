import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { canAccess, type RunAs } from './postgres-user.ts';

/**
 * The folder PostgreSQL keeps its cluster in. Normally `<dataDir>/pg`. When the `postgres`
 * user cannot reach that folder (a checkout under /root), the cluster lives under
 * /var/lib/fingerflow/<hash of the path> and `<dataDir>/pg` is a symlink to it, so the data
 * still belongs to this checkout and survives restarts.
 */
export function preparePgDataDir(dataDir: string, runAs: RunAs): { pgDir: string; relocated: boolean } {
  fs.mkdirSync(dataDir, { recursive: true });
  const wanted = path.join(dataDir, 'pg');
  const existingLink = readLink(wanted);
  if (existingLink) {
    prepareOwned(existingLink, runAs);
    return { pgDir: existingLink, relocated: true };
  }
  if (canAccess(runAs, '-x', dataDir)) {
    prepareOwned(wanted, runAs);
    return { pgDir: wanted, relocated: false };
  }
  const hash = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16);
  const relocatedDir = path.join('/var/lib/fingerflow', hash, 'pg');
  fs.mkdirSync(path.dirname(relocatedDir), { recursive: true, mode: 0o755 });
  fs.chmodSync('/var/lib/fingerflow', 0o755);
  fs.chmodSync(path.dirname(relocatedDir), 0o755);
  prepareOwned(relocatedDir, runAs);
  fs.symlinkSync(relocatedDir, wanted);
  return { pgDir: relocatedDir, relocated: true };
}

function readLink(file: string): string | undefined {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined;
  }
}

function prepareOwned(dir: string, runAs: RunAs): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (runAs.uid !== undefined && runAs.gid !== undefined) fs.chownSync(dir, runAs.uid, runAs.gid);
  fs.chmodSync(dir, 0o700);
}
