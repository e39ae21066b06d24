import { execFileSync, spawnSync } from 'node:child_process';

/** Who the PostgreSQL processes run as: ourselves, or the `postgres` user when we are root. */
export interface RunAs {
  uid?: number;
  gid?: number;
  name: string;
}

/**
 * PostgreSQL refuses to run as root. Started by root (CI, containers), the embedded server
 * runs as the system user `postgres`, created here when the machine has none.
 */
export function resolveRunAs(): RunAs {
  if (process.getuid?.() !== 0) return { name: 'current user' };
  let ids = lookup();
  if (!ids) {
    execFileSync('groupadd', ['--system', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
    ids = lookup();
    if (!ids) throw new Error('could not create the "postgres" system user that the embedded PostgreSQL runs as');
  }
  return { ...ids, name: 'postgres' };
}

function lookup(): { uid: number; gid: number } | undefined {
  const uid = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** Whether `runAs` can pass `test <flag> <file>`: the real answer, permissions of every parent folder included. */
export function canAccess(runAs: RunAs, flag: '-x' | '-w' | '-r', file: string): boolean {
  if (runAs.uid === undefined) return true;
  const result = spawnSync('test', [flag, file], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore' });
  return result.status === 0;
}
