// `npm run migrate` / `make migrate`: applies pending migrations and exits. Uses DATABASE_URL,
// or the embedded cluster of the data folder (started for the occasion when it is not running).
import { configFromProcess } from '../config/index.ts';
import { createLogger } from '../obs/logger.ts';
import { migrate } from '../db/migrations.ts';
import { connectForCommand, REPO_ROOT } from './command-database.ts';
import { failStart } from './fail.ts';

try {
  const config = configFromProcess({ cwd: REPO_ROOT });
  const log = createLogger({ level: config.logLevel, service: 'fingerflow-migrate' });
  const database = await connectForCommand(config, log);
  try {
    const result = await migrate(database.client);
    log.info({ event: 'database_migrations_complete', version: result.version, applied: result.applied.map((m) => m.name) }, 'Database schema up to date');
  } finally {
    await database.close();
  }
} catch (error) {
  failStart(error, 'migrate');
}
