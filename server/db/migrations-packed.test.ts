import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { testDatabaseSettings } from '../config/test-env.ts';
import { withDatabase } from '../test/support/database.ts';
import { migrate, readMigrations } from './migrations.ts';

// Migration 0011 on a database that holds v1 rows, 0012 on one that holds 0011's and 0013 on
// one that holds 0012's (the
// packed COPY encoder is tested in server/ingest/store/keystroke-rows.test.ts).

const { adminUrl } = testDatabaseSettings();
const names: string[] = [];
const PACKED = readMigrations().findIndex((m) => m.name === 'packed_keystrokes');
const BITS = readMigrations().findIndex((m) => m.name === 'event_bits');
const COMPACTED = readMigrations().findIndex((m) => m.name === 'compacted_batches');

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

/** A database of its own, migrated up to (not including) migration `index`, for `body`. */
async function beforeMigration(index: number, body: (c: pg.Client) => Promise<void>): Promise<void> {
  const c = await database();
  try {
    await migrate(c, readMigrations().slice(0, index));
    await body(c);
  } finally {
    await c.end();
  }
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

test('0011 converts v1 rows in one pass; the keystrokes view returns exactly the rows it had', () => beforeMigration(PACKED, async (c) => {
  assert.ok(PACKED > 0, 'the packed migration exists');
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
}));

test('0012 packs event_type, is_error, finger and flags into event_bits; the view returns exactly the rows it had', () => beforeMigration(BITS, async (c) => {
  assert.ok(BITS > PACKED, 'the event bits migration exists');
  const [a, b] = [await sessionOf(c), await sessionOf(c)];
  // Every flag value, every finger, both types and both error states, in 0011's layout.
  const insert = `INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags, batch_idx)
    SELECT $1, $2, array_agg(1000 * i + $3::bigint ORDER BY i), array_agg((i % 2)::smallint ORDER BY i), array_agg('Key' || chr(65 + i % 26) ORDER BY i),
           array_agg(($4::text[])[i % cardinality($4::text[]) + 1] ORDER BY i), array_agg(i - 1 ORDER BY i), array_agg((i % 11)::smallint ORDER BY i),
           array_agg(i % 3 = 0 ORDER BY i), array_agg((i % 256)::smallint ORDER BY i), $6::smallint[]
      FROM unnest($5::int[]) AS i`;
  await c.query(insert, [a, 1, 0, TRICKY, Array.from({ length: 256 }, (_, i) => i), null]);
  await c.query(insert, [a, 2, 9_007_199_254_000_000, TRICKY, [255, 254], null]);
  await c.query(insert, [b, 1, 5, TRICKY, [3, 5, 9], [3, 5, 9]]); // part of a batch (a partial import)
  const before = (await c.query(ALL)).rows;
  await migrate(c, readMigrations().slice(0, BITS + 1));
  const after = (await c.query(ALL)).rows;
  assert.equal(after, before);
  assert.is(after.length, 261);
  const columns = (await c.query<{ column_name: string }>("SELECT column_name FROM information_schema.columns WHERE table_name = 'keystroke_batches' ORDER BY ordinal_position")).rows.map((r) => r.column_name);
  assert.equal(columns, ['session_id', 'batch_seq', 'offset_us', 'key_code', 'key_value', 'text_pos', 'event_bits', 'batch_idx']);
  // A keyup (1), an error (2), finger 10 (40), flags 255 (16320).
  const bits = (await c.query("SELECT keystroke_event_bits('{1,0}', '{t,f}', '{10,0}', '{255,0}') AS b")).rows[0].b;
  assert.equal(bits, [16363, 0]);
  assert.is((await c.query('SELECT count(*)::int AS n FROM keystroke_batches WHERE batch_idx IS NOT NULL')).rows[0].n, 1);
  const indexes = (await c.query("SELECT indexname FROM pg_indexes WHERE tablename = 'keystroke_batches'")).rows.map((r) => r.indexname);
  assert.equal(indexes, ['keystroke_batches_pkey'], 'the primary key is the only index');
  await c.query('DELETE FROM typing_sessions WHERE id = $1', [a]);
  assert.is((await c.query('SELECT count(*)::int AS n FROM keystroke_batches WHERE session_id = $1', [a])).rows[0].n, 0, 'batches outlived their session');
  const outside = await c.query("INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits) VALUES ($1, 2, '{0}', '{KeyA}', '{a}', '{-1}', '{16384}')", [b]).catch((e: Error) => e);
  assert.ok(outside instanceof Error, 'bits the layout does not use are refused');
}));

test('0012 refuses a database holding values its layout cannot keep, and changes nothing', () => beforeMigration(BITS, async (c) => {
  const a = await sessionOf(c);
  await c.query("INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags) VALUES ($1, 1, '{0}', '{0}', '{KeyA}', '{a}', '{-1}', '{16}', '{f}', '{0}')", [a]);
  const failed = await migrate(c).catch((e: Error) => e);
  assert.ok(failed instanceof Error && /outside/.test(failed.message), failed instanceof Error ? failed.message : 'migrated');
  assert.is((await c.query("SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'keystroke_batches' AND column_name = 'finger'")).rows[0].n, 1, 'still 0011\'s layout');
  assert.is((await c.query('SELECT count(*)::int AS n FROM keystrokes')).rows[0].n, 1);
}));

test('0013 compacts the sessions that had ended, leaves live ones, and the view returns exactly the rows it had', () => beforeMigration(COMPACTED, async (c) => {
  assert.ok(COMPACTED > BITS, 'the compaction migration exists');
  const [ended, live] = [await sessionOf(c), await sessionOf(c)];
  await c.query('UPDATE typing_sessions SET ended_at = now() WHERE id = $1', [ended]);
  // A typist's batches of one or two events, and one batch only partly imported.
  const insert = `INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits, batch_idx)
    SELECT $1, s, array_agg(s * 150000 + i ORDER BY i), array_agg('Key' || chr(65 + (s + i) % 26) ORDER BY i),
           array_agg(($2::text[])[(s + i) % cardinality($2::text[]) + 1] ORDER BY i), array_agg(s ORDER BY i),
           array_agg(((i % 2) | (s % 11) << 2 | (s % 256) << 6)::smallint ORDER BY i), CASE WHEN s = 7 THEN array_agg((i + 3)::smallint ORDER BY i) END
      FROM generate_series(1, $3::int) s, generate_series(0, s % 2) i GROUP BY s`;
  await c.query(insert, [ended, TRICKY, 300]);
  await c.query(insert, [live, TRICKY, 12]);
  const before = (await c.query(ALL)).rows;
  await migrate(c);
  assert.equal((await c.query(ALL)).rows, before);
  const rows = async (id: string) => (await c.query('SELECT count(*)::int AS n FROM keystroke_batches WHERE session_id = $1', [id])).rows[0].n;
  assert.is(await rows(ended), 3, '450 events in rows of at most 160');
  assert.is(await rows(live), 12, 'a live session was compacted');
  assert.is((await c.query('SELECT compact_session_keystrokes($1) AS n', [ended])).rows[0].n, 0, 'the migration left work to do');
}));

test.run();
