import type { StoredKeystroke } from '../../shared/metrics/keystroke.ts';
import type pg from 'pg';
import { fingerOf } from '../../shared/metrics/fingers.ts';
import { inTransaction } from './transaction.ts';

export interface ImportedSessionMeta {
  /** The session's id in the account it was exported from: the dedupe key. */
  sourceId: string;
  mode: 'timed' | 'words' | 'quote' | 'custom' | 'zen';
  startedAt: Date | null;
  endedAt: Date | null;
}

/** An event of an export: a stored keystroke; the finger is assigned again on import. */
export type ImportedEvent = Omit<StoredKeystroke, 'finger'>;

const COLUMNS = 10;

/**
 * One chunk of an imported session. The session is found by the exported id kept in
 * config->>'importedFrom' (created on the first chunk), under an advisory lock so two
 * uploads of the same file cannot both create it. Events go in with one multi-row INSERT
 * ON CONFLICT DO NOTHING on the keystrokes primary key, so a chunk sent twice (a second
 * import, a retried request) adds nothing. committed_seq and event_count are set from the
 * table afterwards: they stamp the analytics cache, which then rebuilds the session.
 * Fingers are assigned here from the key code, as the ingest server does, never trusted
 * from the file.
 */
export async function importSessionChunk(pool: pg.Pool, userId: string, meta: ImportedSessionMeta, events: readonly ImportedEvent[]): Promise<{ sessionId: string; created: boolean; inserted: number }> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`import:${userId}:${meta.sourceId}`]);
    // The session's own id counts too: an account importing its own export has them all.
    const found = await client.query<{ id: string; imported: boolean }>(
      "SELECT id, config ? 'importedFrom' AS imported FROM typing_sessions WHERE user_id = $1 AND (config->>'importedFrom' = $2 OR id = $3::uuid)",
      [userId, meta.sourceId, meta.sourceId],
    );
    if (found.rows[0] && !found.rows[0].imported) return { sessionId: found.rows[0].id, created: false, inserted: 0 }; // typed here: never written by an import
    let sessionId = found.rows[0]?.id;
    const created = sessionId === undefined;
    if (!sessionId) {
      const started = meta.startedAt ?? new Date();
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO typing_sessions (user_id, mode, config, started_at, ended_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [userId, meta.mode, JSON.stringify({ importedFrom: meta.sourceId }), started, meta.endedAt ?? started],
      );
      sessionId = inserted.rows[0]!.id;
    }
    let added = 0;
    if (events.length > 0) {
      const values: unknown[] = [];
      const rows = events.map((e, i) => {
        values.push(sessionId, e.batchSeq, e.batchIdx, e.offsetUs, e.type, e.code, e.key, e.textPos, fingerOf(e.code), e.isError);
        const base = i * COLUMNS;
        return `(${Array.from({ length: COLUMNS }, (_, c) => `$${base + c + 1}`).join(', ')}, ${e.flags | 0})`;
      });
      const result = await client.query(
        `INSERT INTO keystrokes (session_id, batch_seq, batch_idx, offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags)
         VALUES ${rows.join(', ')} ON CONFLICT DO NOTHING`,
        values,
      );
      added = result.rowCount ?? 0;
    }
    if (added > 0) {
      await client.query(
        `UPDATE typing_sessions t SET event_count = k.n, committed_seq = k.seq, updated_at = now()
         FROM (SELECT count(*) AS n, coalesce(max(batch_seq), 0) AS seq FROM keystrokes WHERE session_id = $1) k WHERE t.id = $1`,
        [sessionId],
      );
    }
    return { sessionId, created, inserted: added };
  });
}
