import type { StoredKeystroke } from '../../shared/metrics/keystroke.ts';
import type pg from 'pg';
import { fingerOf } from '../../shared/metrics/fingers.ts';
import { inTransaction } from './transaction.ts';
import { mergeKeystrokeRows, SESSION_STORED_TOTALS } from './keystroke-batch-merge.ts';
import { compactSessions } from './keystroke-compaction.ts';

export interface ImportedSessionMeta {
  /** The session's id in the account it was exported from: the dedupe key. */
  sourceId: string;
  mode: 'timed' | 'words' | 'quote' | 'custom' | 'zen';
  startedAt: Date | null;
  endedAt: Date | null;
}

/** An event of an export: a stored keystroke; the finger is assigned again on import. */
export type ImportedEvent = Omit<StoredKeystroke, 'finger'>;

/**
 * One chunk of an imported session. The session is found by the exported id kept in
 * config->>'importedFrom' (created on the first chunk), under an advisory lock so two
 * uploads of the same file cannot both create it. Events are merged into their batches,
 * skipping any (batch, index) already stored, so a chunk sent twice (a second import, a
 * retried request) adds nothing, and a batch split across chunks is completed.
 * committed_seq and event_count are set from the table afterwards: they stamp the
 * analytics cache, which then rebuilds the session.
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
    const added = await mergeKeystrokeRows(client, events.map((e) => ({ ...e, sessionId, finger: fingerOf(e.code), flags: e.flags | 0 })));
    if (added > 0) {
      await client.query(
        `UPDATE typing_sessions t SET event_count = k.n, committed_seq = k.seq, updated_at = now()
         FROM (${SESSION_STORED_TOTALS}) k WHERE t.id = $1`,
        [sessionId],
      );
      await compactSessions(client, [sessionId]); // an export holds a typist's small batches
    }
    return { sessionId, created, inserted: added };
  });
}
