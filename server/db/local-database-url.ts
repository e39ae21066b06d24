import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.ts';

/**
 * The URL of FingerFlow's database as configured: DATABASE_URL, or the embedded cluster of
 * the data folder (which `npm start` must be running). Undefined when neither exists yet.
 */
export function configuredDatabaseUrl(config: Config): string | undefined {
  if (config.databaseUrl) return config.databaseUrl;
  const passwordFile = path.join(config.dataDir, 'pg_password');
  if (!fs.existsSync(passwordFile)) return undefined;
  const password = fs.readFileSync(passwordFile, 'utf8').trim();
  return `postgres://fingerflow:${encodeURIComponent(password)}@127.0.0.1:${config.embeddedPgPort}/fingerflow`;
}

/** The pid of the local `npm start`, from its lock file, when it is running. */
export function localServerPid(config: Config): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(config.dataDir, 'fingerflow.pid'), 'utf8').trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}
