import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { randomBytes, randomUUID } from 'node:crypto';
import { testDatabaseSettings } from '../config/test-env.ts';
import { withDatabase } from '../test/support/database.ts';
import { migrate, MigrationError, MIGRATIONS_DIR, readMigrations } from './migrations.ts';

const { adminUrl } = testDatabaseSettings();
const created: string[] = [];

async function emptyDatabase(): Promise<string> {
  const name = `ff_mig_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  created.push(name);
  return withDatabase(adminUrl, name);
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const dirs: string[] = [];

function migrationDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ff-migrations-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), sql);
  return dir;
}

test.after(async () => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

test('the shipped migrations are numbered without gaps', () => {
  const migrations = readMigrations(MIGRATIONS_DIR);
  assert.ok(migrations.length >= 2);
  migrations.forEach((m, i) => assert.is(m.version, i + 1));
});

test('a fresh database gets every table, once', async () => {
  const url = await emptyDatabase();
  const first = await withClient(url, (c) => migrate(c));
  assert.is(first.applied.length, readMigrations().length);
  const second = await withClient(url, (c) => migrate(c));
  assert.is(second.applied.length, 0);
  const tables = await withClient(url, async (c) => (await c.query<{ t: string }>("SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).rows.map((r) => r.t));
  for (const table of ['users', 'oauth_identities', 'refresh_tokens', 'one_time_tokens', 'totp_secrets', 'totp_backup_codes', 'user_settings', 'word_sets', 'typing_sessions', 'keystroke_batches', 'fingers', 'schema_migrations']) {
    assert.ok(tables.includes(table), `missing table ${table}`);
  }
});

test('two processes migrating at once apply each migration exactly once', async () => {
  const url = await emptyDatabase();
  const results = await Promise.all([1, 2, 3].map(() => withClient(url, (c) => migrate(c))));
  const total = results.reduce((n, r) => n + r.applied.length, 0);
  assert.is(total, readMigrations().length);
  const rows = await withClient(url, async (c) => (await c.query('SELECT count(*)::int AS n FROM schema_migrations')).rows[0].n);
  assert.is(rows, readMigrations().length);
});

test('a gap in the numbering is refused', () => {
  const dir = migrationDir({ '0001_a.sql': 'SELECT 1;', '0003_c.sql': 'SELECT 1;' });
  assert.throws(() => readMigrations(dir), (e: Error) => e instanceof MigrationError && /0002 is missing/.test(e.message));
  const badName = migrationDir({ '0001_a.sql': 'SELECT 1;', 'extra.sql': 'SELECT 1;' });
  assert.throws(() => readMigrations(badName), /NNNN_snake_case/);
});

test('an applied migration that was edited stops the start', async () => {
  const url = await emptyDatabase();
  const dir = migrationDir({ '0001_a.sql': 'CREATE TABLE a (id int);' });
  await withClient(url, (c) => migrate(c, readMigrations(dir)));
  fs.writeFileSync(path.join(dir, '0001_a.sql'), 'CREATE TABLE a (id bigint);');
  await withClient(url, async (c) => {
    try {
      await migrate(c, readMigrations(dir));
      assert.unreachable('an edited migration was accepted');
    } catch (error) {
      assert.instance(error, MigrationError);
      assert.match((error as Error).message, /edited after it was applied/);
    }
  });
});

test('a failing migration is rolled back whole and named', async () => {
  const url = await emptyDatabase();
  const dir = migrationDir({ '0001_a.sql': 'CREATE TABLE a (id int);', '0002_b.sql': 'CREATE TABLE b (id int); SELECT no_such_function();' });
  await withClient(url, async (c) => {
    try {
      await migrate(c, readMigrations(dir));
      assert.unreachable('the broken migration was applied');
    } catch (error) {
      assert.match((error as Error).message, /0002_b\.sql failed/);
    }
    const { rows } = await c.query("SELECT to_regclass('b') AS b, to_regclass('a') AS a");
    assert.is(rows[0].b, null);
    assert.is(rows[0].a, 'a');
  });
});

test('built-in word sets are seeded', async () => {
  const url = await emptyDatabase();
  await withClient(url, async (c) => {
    await migrate(c);
    const { rows } = await c.query('SELECT slug, cardinality(words) AS n FROM word_sets WHERE owner_id IS NULL ORDER BY slug');
    const bySlug = Object.fromEntries(rows.map((r) => [r.slug, r.n]));
    assert.is(bySlug['english-200'], 200);
    assert.is(bySlug['english-1000'], 1000);
  });
});

test('a keystroke can be stored only once, and leaves with its session', async () => {
  const url = await emptyDatabase();
  await withClient(url, async (c) => {
    await migrate(c);
    const user = (await c.query("INSERT INTO users (email) VALUES ('a@example.com') RETURNING id")).rows[0].id;
    const session = randomUUID();
    await c.query("INSERT INTO typing_sessions (id, user_id, mode) VALUES ($1, $2, 'timed')", [session, user]);
    const insert = "INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits) VALUES ($1, 1, '{0}', '{KeyA}', '{a}', '{-1}', keystroke_event_bits('{0}', '{f}', '{0}', '{0}'))";
    await c.query(insert, [session]);
    try {
      await c.query(insert, [session]);
      assert.unreachable('duplicate keystroke stored');
    } catch (error) {
      assert.is((error as { code?: string }).code, '23505');
    }
    await c.query('DELETE FROM typing_sessions WHERE id = $1', [session]);
    const left = (await c.query('SELECT count(*)::int AS n FROM keystrokes WHERE session_id = $1', [session])).rows[0].n;
    assert.is(left, 0);
  });
});

test.run();
