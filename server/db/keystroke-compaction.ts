import type pg from 'pg';

// Compaction of ended sessions (migration 0013, sql/SCHEMA.md "Compaction"): their small
// batch rows, one or two events each while a typist types, merged into rows of ~160 events.
// The rows per call and the locking are in compact_session_keystrokes; this is how the
// server calls it.

/**
 * Events a merged row holds at most, and the size below which a row is merged: passed to
 * compact_session_keystrokes (whose default, for the migration and psql, is the same 160)
 * and used by the sweep to recognise rows still to merge.
 */
export const COMPACT_ROW_EVENTS = 160;

/**
 * Compacts these ended sessions one at a time, each in a statement (and so a transaction)
 * of its own: a session's row lock is held only while its own rows are rewritten. Live or
 * unknown sessions are left as they are. Returns how many batch rows went away.
 */
export async function compactSessions(db: pg.Pool | pg.ClientBase, sessionIds: readonly string[]): Promise<number> {
  let gone = 0;
  for (const id of sessionIds) {
    const { rows } = await db.query<{ gone: number }>('SELECT compact_session_keystrokes($1::uuid, $2) AS gone', [id, COMPACT_ROW_EVENTS]);
    gone += rows[0]!.gone;
  }
  return gone;
}

/**
 * Sessions that ended (in the last `hours`, when given) and still hold at least two unmerged
 * small rows: the work a stopped server's queue never got to (a deploy, a crash, a queue
 * that was full). One index probe per ended session; typing_sessions is scanned, not the
 * keystrokes. Newest first.
 */
export async function endedSessionsToCompact(db: pg.Pool | pg.ClientBase, options: { hours?: number; limit: number }): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT t.id FROM typing_sessions t
      WHERE t.ended_at IS NOT NULL AND ($1::int IS NULL OR t.ended_at > now() - make_interval(hours => $1::int))
        AND (SELECT count(*) FROM (SELECT 1 FROM keystroke_batches b
                                    WHERE b.session_id = t.id AND b.seq_delta IS NULL AND cardinality(b.offset_us) < $3 LIMIT 2) small) = 2
      ORDER BY t.ended_at DESC LIMIT $2`,
    [options.hours ?? null, options.limit, COMPACT_ROW_EVENTS],
  );
  return rows.map((r) => r.id);
}
