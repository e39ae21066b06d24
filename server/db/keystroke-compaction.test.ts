import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { freshDatabase, type TestDatabase } from '../test/support/database.ts';
import { createUser } from '../test/support/analytics-fixtures.ts';
import { SeededRandom } from '../../shared/seeded-random.ts';
import { inTransaction } from './transaction.ts';
import { mergeKeystrokeRows, SESSION_STORED_TOTALS, type KeystrokeRow } from './keystroke-batch-merge.ts';
import { compactSessions } from './keystroke-compaction.ts';

// Compaction (migrations 0013 and 0015) rewrites stored keystrokes, so every test here compares what
// readers see, event by event, with a twin session that holds the same input and was never
// compacted: the `keystrokes` view, the stored totals, and what later imports add.

let db: TestDatabase;
test.before(async () => {
  db = await freshDatabase();
});
test.after(async () => {
  await db.drop();
});

const EVENTS = `SELECT batch_seq, batch_idx, offset_us::text, event_type, key_code, key_value, text_pos, finger, is_error, flags
  FROM keystrokes WHERE session_id = $1 ORDER BY batch_seq, batch_idx`;
const KEYS = ['a', '"', '\\', '{,}', 'NULL', '', 'é', '🙂', 'Shift', ' '];

async function session(userId: string, ended = true): Promise<string> {
  return (await db.pool.query<{ id: string }>(
    `INSERT INTO typing_sessions (user_id, mode, ended_at) VALUES ($1, 'words', CASE WHEN $2 THEN now() END) RETURNING id`,
    [userId, ended],
  )).rows[0]!.id;
}

type Input = Omit<KeystrokeRow, 'sessionId'>;

/** What an import writes, into one session: mergeKeystrokeRows in a transaction. */
async function store(sessionId: string, input: readonly Input[]): Promise<number> {
  return inTransaction(db.pool, (client) => mergeKeystrokeRows(client, input.map((e) => ({ ...e, sessionId }))));
}

async function view(sessionId: string): Promise<unknown[]> {
  return (await db.pool.query(EVENTS, [sessionId])).rows;
}

async function totals(sessionId: string): Promise<unknown> {
  return (await db.pool.query(SESSION_STORED_TOTALS, [sessionId])).rows[0];
}

async function rowSizes(sessionId: string): Promise<number[]> {
  return (await db.pool.query<{ n: number }>('SELECT cardinality(offset_us) AS n FROM keystroke_batches WHERE session_id = $1 ORDER BY batch_seq', [sessionId])).rows.map((r) => r.n);
}

async function compact(sessionId: string, events: number): Promise<number> {
  return (await db.pool.query<{ gone: number }>('SELECT compact_session_keystrokes($1, $2) AS gone', [sessionId, events])).rows[0]!.gone;
}

function event(random: SeededRandom, batchSeq: number, batchIdx: number): Input {
  return {
    batchSeq, batchIdx,
    offsetUs: batchSeq * 150_000 + batchIdx * 1_000 + random.below(900) + (random.below(50) === 0 ? Number.MAX_SAFE_INTEGER - 1e9 : 0),
    type: random.below(2), code: `Key${String.fromCharCode(65 + random.below(26))}`, key: KEYS[random.below(KEYS.length)]!,
    textPos: random.below(400) - 1, finger: random.below(11), isError: random.below(7) === 0, flags: random.below(256),
  };
}

/** A typist's stream: batches of 1-3 events, some large ones, gaps in the seqs, partial batches. */
function typing(random: SeededRandom, batches: number): Input[] {
  const list: Input[] = [];
  let seq = 1;
  for (let b = 0; b < batches; b++) {
    const size = random.below(12) === 0 ? 20 + random.below(60) : 1 + random.below(3);
    const partial = random.below(9) === 0;
    for (let i = 0; i < size; i++) if (!partial || random.below(2) === 0) list.push(event(random, seq, i));
    seq += random.below(15) === 0 ? 2 + random.below(40) : 1;
  }
  return list;
}

test('a compacted session reads exactly as its never-compacted twin, through every later import', async () => {
  const userId = await createUser(db.pool);
  for (let seed = 1; seed <= 12; seed++) {
    const random = new SeededRandom(seed);
    const [compacted, twin] = [await session(userId), await session(userId)];
    const input = typing(random, 60 + random.below(200));
    await store(compacted, input);
    await store(twin, input);
    const rowsBefore = (await rowSizes(compacted)).length;
    const limit = 2 + random.below(60);
    const gone = await compact(compacted, limit);
    const sizes = await rowSizes(compacted);
    assert.ok(gone > 0 && sizes.length === rowsBefore - gone, `seed ${seed}: ${rowsBefore} rows, ${gone} gone, ${sizes.length} left`);
    assert.equal(await view(compacted), await view(twin), `seed ${seed}: the view changed`);
    assert.equal(await totals(compacted), await totals(twin), `seed ${seed}: stored totals changed`);
    assert.is(await compact(compacted, limit), 0, `seed ${seed}: a second pass found work`);

    // Later imports: events already stored (nothing added), new indexes in batches that now
    // live inside merged rows, and new batches, some in the seq gaps.
    for (let round = 0; round < 3; round++) {
      const again = input.filter(() => random.below(4) === 0);
      const added = [...again, ...Array.from({ length: 30 }, () => event(random, 1 + random.below(input.at(-1)!.batchSeq + 20), 100 + random.below(100)))];
      assert.is(await store(compacted, added), await store(twin, added), `seed ${seed}: import ${round} added a different count`);
      assert.equal(await view(compacted), await view(twin), `seed ${seed}: import ${round} duplicated or lost events`);
      await compact(compacted, limit);
      assert.equal(await view(compacted), await view(twin), `seed ${seed}: compaction after import ${round} changed the view`);
      assert.equal(await totals(compacted), await totals(twin));
    }
  }
});

test('rows hold at most the limit, runs stop at a large row, and an open session only up to its committed_seq', async () => {
  const userId = await createUser(db.pool);
  const random = new SeededRandom(99);
  const batches = (sizes: number[]): Input[] => sizes.flatMap((n, b) => Array.from({ length: n }, (_, i) => event(random, b + 1, i)));
  const input = batches([2, 2, 2, 2, 2, 2, 2, 30, 1, 1, 2, 2]);
  const ended = await session(userId);
  await store(ended, input);
  assert.is(await compact(ended, 8), 8);
  assert.equal(await rowSizes(ended), [8, 6, 30, 6]);
  // Open, committed up to batch 9: batches 10-12 are past what ingest has committed (0015).
  const open = await session(userId, false);
  await store(open, input);
  await db.pool.query('UPDATE typing_sessions SET committed_seq = 9 WHERE id = $1', [open]);
  const before = await view(open);
  assert.is(await compact(open, 8), 5);
  assert.equal(await rowSizes(open), [8, 6, 30, 1, 1, 2, 2]);
  assert.equal(await view(open), before);
  assert.is(await compactSessions(db.pool, ['00000000-0000-4000-8000-000000000000']), 0, 'an unknown session was compacted');
});

test('live rows are stored as they come, and compressed once, when compaction merges them', async () => {
  const userId = await createUser(db.pool);
  const random = new SeededRandom(5);
  const id = await session(userId);
  // Bench-sized batches: 64 events, ~2 kB a row, under the table's TOAST threshold (0014).
  await store(id, Array.from({ length: 10 * 64 }, (_, i) => event(random, 1 + Math.floor(i / 64), i % 64)));
  const sizes = async () => (await db.pool.query<{ stored: number; raw: number }>(
    `SELECT sum(pg_column_size(key_code))::int AS stored, sum(octet_length(key_code::text))::int AS raw FROM keystroke_batches WHERE session_id = $1`, [id])).rows[0]!;
  const live = await sizes();
  assert.ok(live.stored > live.raw, `live rows were compressed: ${live.stored} bytes stored for ${live.raw} of text`);
  await compact(id, 160);
  const merged = await sizes();
  assert.ok(merged.stored * 2 < merged.raw, `merged rows were not compressed: ${merged.stored} bytes stored for ${merged.raw} of text`);
});

test('an import waits for a compaction in progress instead of duplicating or losing its events', async () => {
  const userId = await createUser(db.pool);
  const random = new SeededRandom(7);
  const [compacted, twin] = [await session(userId), await session(userId)];
  const input = typing(random, 80);
  await store(compacted, input);
  await store(twin, input);
  const more = input.filter((e) => e.batchSeq % 3 === 0).map((e) => ({ ...e, batchIdx: e.batchIdx + 200, offsetUs: e.offsetUs + 1 }));

  const compactor = await db.pool.connect();
  const importer = await db.pool.connect();
  try {
    await compactor.query('BEGIN');
    await compactor.query('SELECT compact_session_keystrokes($1)', [compacted]);
    await importer.query('BEGIN');
    const pid = (await importer.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const importing = mergeKeystrokeRows(importer, more.map((e) => ({ ...e, sessionId: compacted })));
    await waitUntilBlocked(pid);
    await compactor.query('COMMIT');
    const added = await importing;
    await importer.query('COMMIT');
    assert.is(added, await store(twin, more));
  } finally {
    compactor.release();
    importer.release();
  }
  assert.equal(await view(compacted), await view(twin));
});

/** Until the backend waits for a lock: the import has reached the compaction's row lock. */
async function waitUntilBlocked(pid: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'", [pid]);
    if (rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('the import never waited for the compaction');
}

test.run();
