// The session claim against PostgreSQL: one statement that locks, takes and reads where the
// session's clock stands, including when it has to wait for a flush of the same session
// that is committing at that moment (its snapshot predates the flush's batch).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomUUID } from 'node:crypto';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { createUser } from '../../test/support/analytics-fixtures.ts';
import { type TestDatabase } from '../../test/support/database.ts';
import { databaseWithUser } from '../../test/support/user-database.ts';
import { storeOnce } from './flush-transaction.ts';
import { encodeBatchRows } from './keystroke-rows.ts';
import { SessionEnds } from './session-ends.ts';
import { PgSessionStore } from './session-store.ts';

let db: TestDatabase;
let userId: string;

databaseWithUser((made) => ({ db, userId } = made));

async function session(options: { owner?: string; ended?: boolean; user?: string } = {}): Promise<string> {
  const id = randomUUID();
  await db.pool.query(
    `INSERT INTO typing_sessions (id, user_id, mode, ingest_owner, ended_at) VALUES ($1, $2, 'timed', $3, CASE WHEN $4 THEN now() END)`,
    [id, options.user ?? userId, options.owner ?? null, options.ended ?? false],
  );
  return id;
}

/** Stores batch `seq` of three events ending at seq * 1 s + 2 ms, as the writer does. */
async function storeBatch(sessionId: string, ownerId: string, seq: number, hold?: Promise<void>): Promise<void> {
  const events: KeyEvent[] = [0, 1, 2].map((i) => ({ type: (i % 2) as 0 | 1, code: 'KeyA', key: 'a', offsetUs: seq * 1_000_000 + i * 1000, textPos: i, isError: false, flags: 0 }));
  const client = await db.pool.connect();
  try {
    if (hold) await client.query('BEGIN');
    const outcome = await storeOnce(client, [{ sessionId, ownerId, seq, rows: encodeBatchRows(sessionId, seq, events, new Uint8Array(3).fill(1)), rowCount: 3, receivedAt: Date.now() }], false);
    assert.is(outcome.committed.length, 1, 'the batch was stored');
    if (hold) {
      await hold;
      await client.query('COMMIT');
    }
  } finally {
    client.release();
  }
}

test('a new session: taken, nobody held it before, clock at 0, the day\'s quota left', async () => {
  const store = new PgSessionStore(db.pool, () => undefined, { eventsPerUserPerDay: 100 });
  const id = await session();
  const claim = await store.claim(id, userId, 's1:1');
  assert.equal(claim, { ok: true, committedSeq: 0, previousHolder: null, lastOffsetUs: 0, eventsLeft: 100 });
  assert.is(await store.holder(id), 's1:1');
});

test('a session with batches: the previous holder, the last stored offset, events of the day counted', async () => {
  const store = new PgSessionStore(db.pool, () => undefined, { eventsPerUserPerDay: 1_000_000 });
  const user = await createUser(db.pool);
  const id = await session({ owner: 's1:1', user });
  await storeBatch(id, 's1:1', 1);
  await storeBatch(id, 's1:1', 2);
  const claim = await store.claim(id, user, 's2:7');
  assert.equal(claim, { ok: true, committedSeq: 2, previousHolder: 's1:1', lastOffsetUs: 2_002_000, eventsLeft: 1_000_000 - 6 });
  assert.is(await store.holder(id), 's2:7');
});

test('refusals take nothing: unknown, another user\'s, ended', async () => {
  const store = new PgSessionStore(db.pool);
  assert.equal(await store.claim(randomUUID(), userId, 's1:1'), { ok: false, code: 'UNKNOWN_SESSION', committedSeq: 0 });
  const other = await createUser(db.pool);
  const theirs = await session({ owner: 's1:1', user: other });
  assert.equal(await store.claim(theirs, userId, 's1:2'), { ok: false, code: 'SESSION_FORBIDDEN', committedSeq: 0 });
  assert.is(await store.holder(theirs), 's1:1');
  const ended = await session({ owner: 's1:3', ended: true });
  assert.equal(await store.claim(ended, userId, 's1:4'), { ok: false, code: 'SESSION_ENDED', committedSeq: 0 });
  assert.is(await store.holder(ended), 's1:3');
});

test('a claim during a flush of the session waits for it, then sees its batch and its offset', async () => {
  const store = new PgSessionStore(db.pool);
  const id = await session({ owner: 's1:1' });
  await storeBatch(id, 's1:1', 1);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  // Batch 2 is stored and its row lock held, uncommitted, while the claim starts.
  const flushing = storeBatch(id, 's1:1', 2, held);
  await waitFor(async () => (await db.pool.query("SELECT 1 FROM pg_stat_activity WHERE state = 'idle in transaction' AND datname = current_database()")).rowCount === 1);
  const claiming = store.claim(id, userId, 's2:1');
  await waitFor(async () => (await db.pool.query("SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()")).rowCount === 1);
  release();
  await flushing;
  assert.equal(await claiming, { ok: true, committedSeq: 2, previousHolder: 's1:1', lastOffsetUs: 2_002_000, eventsLeft: undefined });
});

test('markEnded: ended when this connection holds the session (again: still ended), taken over otherwise', async () => {
  const refreshed: string[] = [];
  const store = new PgSessionStore(db.pool, (id) => refreshed.push(id));
  const id = await session({ owner: 's1:1' });
  assert.is(await store.markEnded(id, 's1:2'), 'taken_over');
  assert.is(await store.markEnded(id, 's1:1'), 'ended');
  assert.is(await store.markEnded(id, 's1:1'), 'ended');
  assert.is(await store.markEnded(randomUUID(), 's1:1'), 'taken_over');
  assert.equal(refreshed, [id, id]);
  assert.is((await db.pool.query('SELECT ended_at IS NOT NULL AS ended FROM typing_sessions WHERE id = $1', [id])).rows[0].ended, true);
});

test('a burst of 3,000 ends goes in a few statements, one at a time, each end answered for itself', async () => {
  const ids = (await db.pool.query<{ id: string }>(
    `INSERT INTO typing_sessions (user_id, mode, ingest_owner) SELECT $1, 'timed', 'burst:' || g FROM generate_series(1, 3000) g RETURNING id, ingest_owner`,
    [userId],
  )).rows as unknown as Array<{ id: string; ingest_owner: string }>;
  let statements = 0;
  let inFlight = 0;
  let mostInFlight = 0;
  const counting = {
    query: async (text: string, values: unknown[]) => {
      statements++;
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        return await db.pool.query(text, values);
      } finally {
        inFlight--;
      }
    },
  } as unknown as ConstructorParameters<typeof SessionEnds>[0];
  const ends = new SessionEnds(counting);
  // Every tenth end names another connection: the session was taken over.
  const answers = await Promise.all(ids.map((r, i) => ends.end(r.id, i % 10 === 0 ? 'someone-else' : r.ingest_owner)));
  assert.equal(answers, ids.map((_, i) => i % 10 !== 0));
  assert.ok(statements <= 3, `${statements} statements`);
  assert.is(mostInFlight, 1);
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM typing_sessions WHERE ingest_owner LIKE $1 AND ended_at IS NOT NULL', ['burst:%']);
  assert.is(rows[0]!.n, 2700);
});

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the database never reached the state the test waits for');
}

test.run();
