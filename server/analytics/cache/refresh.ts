import type pg from 'pg';
import { BULK_PLANS } from '../queries/bulk-plans.ts';
import { CLEAR_SQL, REBUILD_SQL, STALE_SQL } from './refresh-sql.ts';

// Advisory locks of the cache, one per session; any constant distinct from other users of
// advisory locks (migrations use 727_001).
const LOCK_SPACE = 727_006;
const FOREIGN_KEY_VIOLATION = '23503';

// The headline figures also go onto typing_sessions, so the history list (one row per
// session, no joins) shows them: productive WPM as "wpm", keystroke accuracy as "accuracy".
const COPY_HEADLINE_SQL = `
  UPDATE typing_sessions t SET
    duration_ms = round((s.summary->>'durationMs')::float8)::int,
    wpm = (s.summary->'speed'->>'productiveWpm')::real,
    raw_wpm = (s.summary->'speed'->>'rawWpm')::real,
    accuracy = (s.summary->'accuracy'->>'keystrokeAccuracy')::real
  FROM session_summaries s WHERE s.session_id = t.id AND t.id = ANY($1::uuid[])`;
const BATCH = 50;

/**
 * Brings the analytics cache of these sessions up to date with their stored keystrokes and
 * returns how many were rebuilt. Cheap when nothing changed (one indexed join). Sessions
 * are rebuilt under a per-session advisory lock, taken in id order so two overlapping
 * refreshes cannot deadlock, and the second finds the work done.
 */
export async function refreshSessions(pool: pg.Pool, sessionIds: readonly string[]): Promise<number> {
  if (sessionIds.length === 0) return 0;
  const stale = (await pool.query<{ id: string }>(STALE_SQL, [sessionIds])).rows.map((r) => r.id);
  let rebuilt = 0;
  // A whole history at once would hold its locks and its memory for as long as it takes.
  for (let i = 0; i < stale.length; i += BATCH) rebuilt += await refreshBatch(pool, stale.slice(i, i + BATCH));
  return rebuilt;
}

async function refreshBatch(pool: pg.Pool, candidates: string[]): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query(
      `SELECT pg_advisory_lock($2::int, k) FROM (SELECT hashtext(id::text) AS k FROM unnest($1::uuid[]) AS id ORDER BY 1) s`,
      [candidates, LOCK_SPACE],
    );
    // A session deleted between the check and the insert breaks a foreign key; the next
    // attempt no longer sees it.
    for (let attempt = 1; ; attempt++) {
      try {
        return await rebuild(client, candidates);
      } catch (error) {
        if ((error as { code?: string }).code !== FOREIGN_KEY_VIOLATION || attempt === 3) throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    client.release();
  }
}

async function rebuild(client: pg.PoolClient, candidates: string[]): Promise<number> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  try {
    await client.query(BULK_PLANS);
    const stale = (await client.query<{ id: string }>(STALE_SQL, [candidates])).rows.map((r) => r.id);
    if (stale.length > 0) {
      for (const sql of CLEAR_SQL) await client.query(sql, [stale]);
      await client.query(REBUILD_SQL, [stale]);
      await client.query(COPY_HEADLINE_SQL, [stale]);
    }
    await client.query('COMMIT');
    return stale.length;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}
