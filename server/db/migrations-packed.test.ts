import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { testDatabaseSettings } from '../config/test-env.ts';
import { withDatabase } from '../test/support/database.ts';
import { migrate, readMigrations } from './migrations.ts';

// Migration 0011 on a database that holds v1 rows (the packed COPY encoder is tested in
// server/ingest/store/keystroke-rows.test.ts).

const { adminUrl } = testDatabaseSettings();
const names: string[] = [];
const PACKED = readMigrations().findIndex((m) => m.name === 'packed_keystrokes');

async function database(): Promise<pg.Client> {
  const name = `ff_pack_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  names.push(name);
  const client = new pg.Client({ connectionString: withDatabase(adminUrl, name) });
  await client.connect();
  return client;
}

test.after(async () => {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

const TRICKY = ['"', '\\', '{', '}', ',', ' ', 'NULL', 'null', '', 'a,b', '{"x"}', '\\"', '\t', '\n', '\r', '\u0001', 'é', 'ß', '🙂', '"\\{,}'];
const ALL = 'SELECT session_id, batch_seq, batch_idx, offset_us::text, event_type, key_code, key_value, text_pos, finger, is_error, flags FROM keystrokes ORDER BY session_id, batch_seq, batch_idx';

async function sessionOf(c: pg.Client): Promise<string> {
  const user = (await c.query<{ id: string }>('INSERT INTO users (email) VALUES ($1) RETURNING id', [`${randomUUID()}@example.com`])).rows[0]!.id;
  return (await c.query<{ id: string }>("INSERT INTO typing_sessions (user_id, mode) VALUES ($1, 'timed') RETURNING id", [user])).rows[0]!.id;
}

test('0011 converts v1 rows in one pass; the keystrokes view returns exactly the rows it had', async () => {
  const c = await database();
  try {
    assert.ok(PACKED > 0, 'the packed migration exists');
    await migrate(c, readMigrations().slice(0, PACKED));
    const [a, b] = [await sessionOf(c), await sessionOf(c)];
    const insert = `INSERT INTO keystrokes (session_id, batch_seq, batch_idx, offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags)
      SELECT $1, $2, i, 1000 * i + $3, i % 2, 'Key' || chr(65 + i % 26), ($4::text[])[i % cardinality($4::text[]) + 1], i - 1, i % 11, i % 3 = 0, i % 128
        FROM unnest($5::int[]) AS i`;
    await c.query(insert, [a, 1, 0, TRICKY, Array.from({ length: 64 }, (_, i) => i)]); // a whole batch
    await c.query(insert, [a, 2, 70_000, TRICKY, [0, 1, 2]]);
    await c.query(insert, [b, 1, 5, TRICKY, [3, 5, 9]]); // part of a batch (an old partial import)
    const before = (await c.query(ALL)).rows;
    await migrate(c);
    const after = (await c.query(ALL)).rows;
    assert.equal(after, before);
    assert.is(after.length, 70);
    const batches = (await c.query<{ session_id: string; batch_seq: number; idx: number[] | null }>('SELECT session_id, batch_seq, batch_idx AS idx FROM keystroke_batches ORDER BY session_id = $1 DESC, batch_seq', [a])).rows;
    assert.equal(batches.map((r) => [r.batch_seq, r.idx]), [[1, null], [2, null], [1, [3, 5, 9]]]);
    assert.is((await c.query("SELECT relkind FROM pg_class WHERE relname = 'keystrokes'")).rows[0].relkind, 'v');
    const indexes = (await c.query("SELECT count(*)::int AS n FROM pg_indexes WHERE tablename = 'keystroke_batches'")).rows[0].n;
    assert.is(indexes, 1, 'the primary key is the only index');
    await c.query('DELETE FROM typing_sessions WHERE id = $1', [a]);
    assert.is((await c.query('SELECT count(*)::int AS n FROM keystroke_batches WHERE session_id = $1', [a])).rows[0].n, 0, 'batches outlived their session');
    assert.is((await c.query('SELECT count(*)::int AS n FROM keystrokes WHERE session_id = $1', [b])).rows[0].n, 3);
  } finally {
    await c.end();
  }
});

test.run();
