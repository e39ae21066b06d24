import type pg from 'pg';

// Compaction of ended sessions (migration 0013, sql/SCHEMA.md "Compaction"): their small
// batch rows, one or two events each while a typist types, merged into rows of ~160 events.
// The rows per call and the locking are in compact_session_keystrokes; this is how the
// server calls it.

/**
 * Compacts these ended sessions one at a time, each in a statement (and so a transaction)
 * of its own: a session's row lock is held only while its own rows are rewritten. Live or
 * unknown sessions are left as they are. Returns how many batch rows went away.
 */
export async function compactSessions(db: pg.Pool | pg.ClientBase, sessionIds: readonly string[]): Promise<number> {
  let gone = 0;
  for (const id of sessionIds) {
    const { rows } = await db.query<{ gone: number }>('SELECT compact_session_keystrokes($1::uuid) AS gone', [id]);
    gone += rows[0]!.gone;
  }
  return gone;
}
