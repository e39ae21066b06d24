import type pg from 'pg';

// Compaction (migrations 0013 and 0015, sql/SCHEMA.md "Compaction"): a session's small batch
// rows, one or two events each while a typist types, merged into rows of ~160 events, once
// the session has ended or nothing was written to it for an hour. The rows per call and the
// locking are in compact_session_keystrokes; this is how the server calls it.

/**
 * Events a merged row holds at most, and the size below which a row is merged: passed to
 * compact_session_keystrokes (whose default, for the migration and psql, is the same 160)
 * and used by the sweeps to recognise rows still to merge.
 */
export const COMPACT_ROW_EVENTS = 160;

/**
 * A session nobody ended is compacted once nothing was stored for it this long. A typist
 * between two words pauses seconds; one whose tab lost the network for a while comes back
 * within minutes. What a typist sends after compaction is stored as usual, in new rows.
 */
export const IDLE_MINUTES = 60;

/**
 * Compacts these sessions one at a time, each in a statement (and so a transaction) of its
 * own: a session's row lock is held only while its own rows are rewritten. An ended session
 * is compacted whole; one still open only up to its committed_seq, the part ingest never
 * writes again (0015). Unknown sessions are skipped. Returns how many batch rows went away.
 */
export async function compactSessions(db: pg.Pool | pg.ClientBase, sessionIds: readonly string[]): Promise<number> {
  let gone = 0;
  for (const id of sessionIds) {
    const { rows } = await db.query<{ gone: number }>('SELECT compact_session_keystrokes($1::uuid, $2) AS gone', [id, COMPACT_ROW_EVENTS]);
    gone += rows[0]!.gone;
  }
  return gone;
}

export interface SettledScope {
  /** Only sessions left open and idle for IDLE_MINUTES, not the ended ones. */
  idleOnly?: boolean;
  /** Only sessions that ended, or were last written, in the last this many minutes (all when absent). */
  withinMinutes?: number;
  limit: number;
}

/**
 * Sessions that settled (ended, or left open with nothing stored for IDLE_MINUTES) and still
 * hold at least two unmerged small rows that compaction may merge: the work the end of a
 * session did not queue, or that a stopped server's queue never got to (a deploy, a crash, a
 * full queue). typing_sessions is scanned, then one primary-key probe per settled session;
 * the keystrokes themselves are not read. Most recently settled first.
 */
export async function sessionsToCompact(db: pg.Pool | pg.ClientBase, scope: SettledScope): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT t.id FROM typing_sessions t
      WHERE CASE WHEN t.ended_at IS NOT NULL THEN NOT $1::boolean ELSE t.updated_at < now() - make_interval(mins => $4) END
        AND ($2::int IS NULL OR coalesce(t.ended_at, t.updated_at) > now() - make_interval(mins => $2::int))
        AND (SELECT count(*) FROM (SELECT 1 FROM keystroke_batches b
                                    WHERE b.session_id = t.id AND b.seq_delta IS NULL AND cardinality(b.offset_us) < $5
                                      AND (t.ended_at IS NOT NULL OR b.batch_seq <= t.committed_seq) LIMIT 2) small) = 2
      ORDER BY coalesce(t.ended_at, t.updated_at) DESC LIMIT $3`,
    [scope.idleOnly ?? false, scope.withinMinutes ?? null, scope.limit, IDLE_MINUTES, COMPACT_ROW_EVENTS],
  );
  return rows.map((r) => r.id);
}
