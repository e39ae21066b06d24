import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { testDatabaseSettings } from '../../config/test-env.ts';
import { createPool, type Pool } from '../../db/pool.ts';

export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/**
 * A database of its own for one test file, cloned from the migrated template in a few tens
 * of milliseconds, so tests never see each other's rows.
 */
export async function freshDatabase(): Promise<TestDatabase> {
  const { adminUrl, templateDb } = testDatabaseSettings();
  const name = `ff_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${templateDb}`);
  const url = withDatabase(adminUrl, name);
  const pool = createPool(url, { max: 10, applicationName: 'fingerflow-test' });
  return {
    name,
    url,
    pool,
    async drop() {
      await pool.end();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** One statement on its own connection (CREATE/DROP DATABASE cannot run in a pooled transaction). */
export async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
