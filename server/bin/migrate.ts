// `npm run migrate` / `make migrate`: applies pending migrations and exits. Uses DATABASE_URL,
// or the embedded cluster of the data folder (started for the occasion when it is not running).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { configFromProcess } from '../config/index.ts';
import { createLogger } from '../obs/logger.ts';
import { openDatabase } from '../db/open-database.ts';
import { DataDirInUseError } from '../db/embedded/embedded-postgres.ts';
import { migrate } from '../db/migrations.ts';
import { failStart } from './fail.ts';
import { execFileSync } from 'node:child_process';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
try {
  const config = configFromProcess({ cwd: repoRoot });
  const log = createLogger({ level: config.logLevel, service: 'fingerflow-migrate' });
  let url: string;
  let stopEmbedded = async () => {};
  try {
    const database = await openDatabase(config, log);
    url = database.url;
    if (database.embedded) stopEmbedded = () => database.embedded!.stop();
  } catch (error) {
    // `npm start` is running on this data folder: migrate its database in place.
    if (!(error instanceof DataDirInUseError)) throw error;
    url = execFileSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/bin/database-url.ts')], { encoding: 'utf8' }).trim();
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await migrate(client);
    log.info({ event: 'database_migrations_complete', version: result.version, applied: result.applied.map((m) => m.name) }, 'Database schema up to date');
  } finally {
    await client.end();
    await stopEmbedded();
  }
} catch (error) {
  failStart(error, 'migrate');
}
