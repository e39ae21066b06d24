import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes, randomUUID } from 'node:crypto';
import { text } from 'node:stream/consumers';
import pg from 'pg';
import { testDatabaseSettings } from '../config/test-env.ts';
import { withDatabase } from '../test/support/database.ts';
import { migrate, readMigrations } from './migrations.ts';
import { AnalyticsExports } from '../analytics/index.ts';
import { importSessionChunk, type ImportedEvent } from './import-sessions.ts';

// The packed layout must not change a byte of an export: the same data exported from a v1
// database and from the same database after 0011, and imported again in chunks that split
// batches, gives the same files.

const { adminUrl } = testDatabaseSettings();
const names: string[] = [];
const pools: pg.Pool[] = [];
const PACKED = readMigrations().findIndex((m) => m.name === 'packed_keystrokes');

async function database(): Promise<pg.Pool> {
  const name = `ff_exp_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  names.push(name);
  const pool = new pg.Pool({ connectionString: withDatabase(adminUrl, name), max: 3 });
  pools.push(pool);
  return pool;
}

test.after(async () => {
  for (const pool of pools) await pool.end();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  for (const name of names) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
});

const KEYS = ['a', '"', '\\', '{,}', 'NULL', '', 'é', '🙂', '\t', 'Shift'];

/** Two sessions: three whole batches and one that holds indexes 2 and 5 only. */
function events(): ImportedEvent[] {
  const list: ImportedEvent[] = [];
  for (const [seq, idx] of [[1, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]], [2, [0, 1, 2]], [3, [2, 5]], [4, Array.from({ length: 40 }, (_, i) => i)]] as const) {
    for (const i of idx) list.push({ batchSeq: seq, batchIdx: i, offsetUs: seq * 1_000_000 + i * 1000, type: (i % 2) as 0 | 1, code: `Key${i % 7}`, key: KEYS[(seq + i) % KEYS.length]!, textPos: i - 1, isError: i % 5 === 0, flags: i % 3 });
  }
  return list;
}

async function exportAll(pool: pg.Pool, userId: string, format: 'csv' | 'json'): Promise<string> {
  return text(await new AnalyticsExports(pool).events(userId, format));
}

async function user(pool: pg.Pool): Promise<string> {
  return (await pool.query<{ id: string }>('INSERT INTO users (email) VALUES ($1) RETURNING id', [`${randomUUID()}@example.com`])).rows[0]!.id;
}

test('an export is byte for byte the same before and after 0011 converts the rows', async () => {
  const pool = await database();
  const client = await pool.connect();
  await migrate(client, readMigrations().slice(0, PACKED));
  client.release();
  const userId = await user(pool);
  const session = (await pool.query<{ id: string }>("INSERT INTO typing_sessions (user_id, mode) VALUES ($1, 'zen') RETURNING id", [userId])).rows[0]!.id;
  const e = events();
  await pool.query(
    `INSERT INTO keystrokes (session_id, batch_seq, batch_idx, offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags)
     SELECT $1, * FROM unnest($2::int[], $3::smallint[], $4::bigint[], $5::smallint[], $6::text[], $7::text[], $8::int[], $9::smallint[], $10::bool[], $11::smallint[])`,
    [session, e.map((x) => x.batchSeq), e.map((x) => x.batchIdx), e.map((x) => x.offsetUs), e.map((x) => x.type), e.map((x) => x.code), e.map((x) => x.key),
      e.map((x) => x.textPos), e.map((x) => x.batchIdx % 11), e.map((x) => x.isError), e.map((x) => x.flags)],
  );
  const before = { csv: await exportAll(pool, userId, 'csv'), json: await exportAll(pool, userId, 'json') };
  assert.ok(before.csv.split('\n').length > 50, 'the v1 export holds the events');
  const after = await pool.connect();
  await migrate(after);
  after.release();
  assert.is(await exportAll(pool, userId, 'csv'), before.csv);
  assert.is(await exportAll(pool, userId, 'json'), before.json);
});

test('import writes batches; chunks that split batches, in any order and twice, export as the file they came from', async () => {
  const pool = await database();
  const client = await pool.connect();
  await migrate(client);
  client.release();
  const [whole, chunked] = [await user(pool), await user(pool)];
  const meta = { sourceId: randomUUID(), mode: 'zen' as const, startedAt: new Date(Date.UTC(2026, 0, 1)), endedAt: null };
  await importSessionChunk(pool, whole, meta, events());
  const all = events();
  const chunks = [all.slice(30), all.slice(0, 7), all.slice(7, 30), all.slice(5, 12)];
  const added = [];
  for (const chunk of [...chunks, ...chunks]) added.push((await importSessionChunk(pool, chunked, meta, chunk)).inserted);
  assert.is(added.reduce((n, a) => n + a, 0), all.length, 'each event added once');
  const strip = (s: string) => s.replace(/"sessionId" : "[^"]+"|^[0-9a-f-]{36}/gm, '');
  assert.is(strip(await exportAll(pool, chunked, 'json')), strip(await exportAll(pool, whole, 'json')));
  const stored = await pool.query<{ batch_seq: number; n: number; idx: number[] | null }>(
    'SELECT b.batch_seq, cardinality(b.offset_us) AS n, b.batch_idx AS idx FROM keystroke_batches b JOIN typing_sessions t ON t.id = b.session_id WHERE t.user_id = $1 ORDER BY 1', [chunked]);
  assert.equal(stored.rows.map((r) => [r.batch_seq, r.n, r.idx]), [[1, 10, null], [2, 3, null], [3, 2, [2, 5]], [4, 40, null]]);
  const session = await pool.query<{ event_count: string; committed_seq: number }>('SELECT event_count::text, committed_seq FROM typing_sessions WHERE user_id = $1', [chunked]);
  assert.equal(session.rows[0], { event_count: String(all.length), committed_seq: 4 });
});

test.run();
