import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'sql', 'migrations');

// Any constant works; it only has to be the same in every FingerFlow process, so that two
// processes starting at once apply migrations one after the other, never both.
const MIGRATION_LOCK_KEY = 727_001;

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  readonly code = 'MIGRATION_INVALID';
}

/** Reads `NNNN_name.sql` files in order, failing on a gap, a duplicate number or a stray file. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const files = fs.readdirSync(dir).filter((f) => !f.startsWith('.')).sort();
  const migrations = files.map((file) => {
    const match = /^(\d{4})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!match) throw new MigrationError(`${file}: migration files are named NNNN_snake_case.sql`);
    const sql = fs.readFileSync(path.join(dir, file), 'utf8');
    return { version: Number(match[1]), name: match[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') };
  });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`migration ${String(i + 1).padStart(4, '0')} is missing (found ${String(m.version).padStart(4, '0')}_${m.name}.sql in its place)`);
  });
  return migrations;
}

export interface MigrationResult {
  applied: Migration[];
  version: number;
}

/**
 * Applies pending migrations under an advisory lock, each in its own transaction, and
 * refuses to run when a migration already applied was edited or removed since.
 */
export async function migrate(client: pg.ClientBase, migrations = readMigrations()): Promise<MigrationResult> {
  // A migration may rewrite a large table: the pool's statement timeout is for requests.
  await client.query('SET statement_timeout = 0');
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
    );
    for (const row of rows) {
      const file = migrations[row.version - 1];
      if (!file) throw new MigrationError(`the database has migration ${row.version} (${row.name}) that this code does not know: is this an older checkout?`);
      if (file.checksum !== row.checksum) throw new MigrationError(`migration ${String(row.version).padStart(4, '0')}_${row.name}.sql was edited after it was applied; add a new migration instead`);
    }
    const applied: Migration[] = [];
    for (const migration of migrations.slice(rows.length)) {
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [migration.version, migration.name, migration.checksum]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${String(migration.version).padStart(4, '0')}_${migration.name}.sql failed: ${(error as Error).message}`);
      }
      applied.push(migration);
    }
    return { applied, version: migrations.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    await client.query('RESET statement_timeout');
  }
}
