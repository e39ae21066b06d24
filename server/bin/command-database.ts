import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Config } from '../config/index.ts';
import type { Logger } from '../obs/logger.ts';
import { openDatabase } from '../db/open-database.ts';
import { DataDirInUseError } from '../db/embedded/embedded-postgres.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * The database a one-shot command (migrate, compact) works on: DATABASE_URL, or the embedded
 * cluster of the data folder, started for the occasion, or the one `npm start` is running on
 * it. `close` ends the connection and stops a cluster the command started.
 */
export async function connectForCommand(config: Config, log: Logger): Promise<{ client: pg.Client; close(): Promise<void> }> {
  let url: string;
  let stopEmbedded = async () => {};
  try {
    const database = await openDatabase(config, log);
    url = database.url;
    if (database.embedded) stopEmbedded = () => database.embedded!.stop();
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    url = execFileSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'server/bin/database-url.ts')], { encoding: 'utf8' }).trim();
  }
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    await stopEmbedded();
    throw error;
  }
  return {
    client,
    async close() {
      await client.end();
      await stopEmbedded();
    },
  };
}
