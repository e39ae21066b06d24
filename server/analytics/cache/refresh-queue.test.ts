// The background analytics of ended sessions: all computed, one batch at a time (never more
// than one pool connection, so typists' claims and ends are not starved), and what does not
// fit is left for the first read.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateSession, randomProfile } from '../../../shared/metrics/testing/keystroke-streams.ts';
import { SeededRandom } from '../../../shared/protocol/testing/seeded-random.ts';
import { createUser, storeSession } from '../../test/support/analytics-fixtures.ts';
import { freshDatabase, type TestDatabase } from '../../test/support/database.ts';
import { AnalyticsRefreshQueue } from './refresh-queue.ts';

let db: TestDatabase;
const sessions: string[] = [];

test.before(async () => {
  db = await freshDatabase();
  const rng = new SeededRandom(4242);
  const userId = await createUser(db.pool);
  for (let i = 0; i < 24; i++) sessions.push(await storeSession(db.pool, { userId, ...generateSession(9_000 + i, randomProfile(rng)) }));
});
test.after(async () => db.drop());

async function summarised(ids: readonly string[]): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM session_summaries WHERE session_id = ANY($1::uuid[])', [ids]);
  return rows[0]!.n;
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('every ended session is computed, in batches that never overlap, with headline figures on the list row', async () => {
  const batch = sessions.slice(0, 20);
  const runs: Array<{ sessions: number; rebuilt: number }> = [];
  let active = 0;
  let maxActive = 0;
  // refreshSessions needs only query and connect: a pool that counts the connections held.
  const counting = {
    query: (...args: unknown[]) => (db.pool.query as (...a: unknown[]) => unknown)(...args),
    connect: async () => {
      const client = await db.pool.connect();
      maxActive = Math.max(maxActive, ++active);
      const release = client.release.bind(client);
      client.release = (error?: Error | boolean) => {
        active--;
        return release(error);
      };
      return client;
    },
  } as unknown as typeof db.pool;
  const queue = new AnalyticsRefreshQueue(counting, { batchSize: 8, gatherMs: 30, dutyCycle: 1, maxPending: 1000, onRefreshed: (s) => runs.push(s), onError: (_ids, e) => assert.unreachable(e.message) });
  for (const id of batch) queue.add(id);
  queue.add(batch[0]!); // ended twice (a resent end): computed once
  await until(() => runs.reduce((n, r) => n + r.sessions, 0) === batch.length);
  assert.equal(runs.map((r) => r.sessions), [8, 8, 4]);
  assert.is(runs.reduce((n, r) => n + r.rebuilt, 0), 20);
  assert.is(maxActive, 1, 'one connection at a time');
  assert.is(await summarised(batch), 20);
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM typing_sessions WHERE id = ANY($1::uuid[]) AND duration_ms IS NOT NULL AND accuracy IS NOT NULL', [batch]);
  assert.is(rows[0]!.n, 20, 'duration and accuracy copied onto every list row');
  assert.is(queue.size, 0);
});

test('past its bound the queue drops sessions (computed on first read) and says which', async () => {
  const rest = sessions.slice(20);
  const dropped: string[] = [];
  let refreshed = 0;
  const queue = new AnalyticsRefreshQueue(db.pool, { batchSize: 50, gatherMs: 30, dutyCycle: 1, maxPending: 2, onRefreshed: (s) => (refreshed += s.sessions), onDropped: (id) => dropped.push(id) });
  for (const id of rest) queue.add(id);
  assert.equal(dropped, rest.slice(2));
  await until(() => refreshed === 2);
  assert.is(await summarised(rest.slice(0, 2)), 2);
  assert.is(await summarised(rest.slice(2)), 0);
});

test('a failing batch is reported with its sessions and the queue goes on', async () => {
  const errors: string[][] = [];
  let refreshed = 0;
  const queue = new AnalyticsRefreshQueue(db.pool, { batchSize: 1, gatherMs: 10, dutyCycle: 1, maxPending: 10, onError: (ids) => errors.push([...ids]), onRefreshed: (s) => (refreshed += s.sessions) });
  queue.add('not-a-uuid');
  queue.add(sessions[23]!);
  await until(() => errors.length + refreshed === 2);
  assert.equal(errors, [['not-a-uuid']]);
  assert.is(refreshed, 1);
});

test('at a duty cycle of 1/4 the queue rests three times as long as each batch took', async () => {
  const ids = sessions.slice(0, 3);
  await db.pool.query('DELETE FROM session_summaries WHERE session_id = ANY($1::uuid[])', [ids]);
  const runs: Array<{ at: number; ms: number }> = [];
  const queue = new AnalyticsRefreshQueue(db.pool, { batchSize: 1, gatherMs: 10, dutyCycle: 0.25, maxPending: 10, onRefreshed: (s) => runs.push({ at: Date.now(), ms: s.ms }) });
  for (const id of ids) queue.add(id);
  await until(() => runs.length === 3);
  for (let i = 1; i < runs.length; i++) {
    const gap = runs[i]!.at - runs[i]!.ms - runs[i - 1]!.at; // from the end of one batch to the start of the next
    assert.ok(gap >= 3 * runs[i - 1]!.ms - 2, `rested ${gap} ms after a batch of ${runs[i - 1]!.ms} ms`);
  }
});

test('stop forgets what waits', async () => {
  let refreshed = 0;
  const queue = new AnalyticsRefreshQueue(db.pool, { batchSize: 10, gatherMs: 50, dutyCycle: 1, maxPending: 10, onRefreshed: () => refreshed++ });
  queue.add(sessions[0]!);
  queue.stop();
  queue.add(sessions[1]!);
  await new Promise((r) => setTimeout(r, 150));
  assert.is(refreshed, 0);
  assert.is(queue.size, 0);
});

test.run();
