// Prints the URL of FingerFlow's database (DATABASE_URL, or the embedded cluster of the data
// folder), for `make psql` and backups. The embedded cluster must be running (`npm start`).
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configFromProcess } from '../config/index.ts';
import { failStart } from './fail.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
try {
  const config = configFromProcess({ cwd: repoRoot });
  if (config.databaseUrl) {
    process.stdout.write(`${config.databaseUrl}\n`);
  } else {
    const passwordFile = path.join(config.dataDir, 'pg_password');
    if (!fs.existsSync(passwordFile)) throw new Error(`no embedded database in ${config.dataDir} yet: run \`npm start\` first`);
    const password = fs.readFileSync(passwordFile, 'utf8').trim();
    process.stdout.write(`postgres://fingerflow:${encodeURIComponent(password)}@127.0.0.1:${config.embeddedPgPort}/fingerflow\n`);
  }
} catch (error) {
  failStart(error, 'database-url');
}
