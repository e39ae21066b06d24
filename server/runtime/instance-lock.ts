import fs from 'node:fs';
import path from 'node:path';

export class AlreadyRunningError extends Error {
  constructor(readonly pid: number, readonly dataDir: string) {
    super(`FingerFlow is already running from this folder (pid ${pid}, data in ${dataDir}); stop it first, or set DATA_DIR and PORT for a second instance`);
    this.name = 'AlreadyRunningError';
  }
}

/**
 * One `npm start` per data folder. The lock file holds our pid; a lock left by a process
 * that no longer exists (killed with -9) is taken over, and `previousPid` tells the caller
 * that the embedded PostgreSQL it started may still be running as an orphan.
 */
export function acquireInstanceLock(dataDir: string): { release: () => void; previousPid?: number } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'fingerflow.pid');
  let previousPid: number | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      const release = () => {
        try {
          if (fs.readFileSync(file, 'utf8').trim() === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone: nothing to release
        }
      };
      return { release, previousPid };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) throw new AlreadyRunningError(pid, dataDir);
      previousPid = pid;
      fs.unlinkSync(file);
    }
  }
  throw new Error(`could not take the lock ${file}`);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
