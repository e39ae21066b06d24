// Prints the URL of FingerFlow's database (DATABASE_URL, or the embedded cluster of the data
// folder), for `make psql` and backups. The embedded cluster must be running (`npm start`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configFromProcess } from '../config/index.ts';
import { configuredDatabaseUrl } from '../db/local-database-url.ts';
import { failStart, OperatorError } from './fail.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
try {
  const config = configFromProcess({ cwd: repoRoot });
  const url = configuredDatabaseUrl(config);
  if (!url) throw new OperatorError(`no embedded database in ${config.dataDir} yet: run \`npm start\` first`);
  process.stdout.write(`${url}\n`);
} catch (error) {
  failStart(error, 'database-url');
}
