import type pg from 'pg';
import type { StoredKeystroke } from '../../shared/metrics/keystroke.ts';

/** One stored event as the `keystrokes` view shows it, with its session (finger already assigned). */
export interface KeystrokeRow extends Omit<StoredKeystroke, 'type'> {
  sessionId: string;
  /** 0 keydown, 1 keyup, as the import read it (typed wider than StoredKeystroke's 0 | 1). */
  type: number;
}

// Events are kept one per (session, batch, index), as the v1 table's primary key did: an
// event already stored wins, and so does the first of two equal ones in the input. Each
// batch touched is rewritten whole with its old and new events in index order; a batch
// whose indexes are 0..n-1 stores batch_idx NULL, as ingest does. A batch touched is read
// by its primary key: EXPAND has already split any compacted row that held it (0013).
const MERGE = `
WITH incoming AS (
  SELECT * FROM unnest($1::uuid[], $2::int[], $3::smallint[], $4::bigint[], $5::smallint[], $6::text[], $7::text[], $8::int[], $9::smallint[], $10::bool[], $11::smallint[])
    WITH ORDINALITY AS i(session_id, batch_seq, batch_idx, offset_us, event_type, key_code, key_value, text_pos, finger, is_error, flags, ord)
), touched AS (
  SELECT DISTINCT session_id, batch_seq FROM incoming
), existing AS (
  SELECT b.session_id, k.batch_seq, k.batch_idx, k.offset_us, k.event_type, k.key_code, k.key_value, k.text_pos, k.finger, k.is_error, k.flags, 0::bigint AS ord, true AS old
    FROM touched t JOIN keystroke_batches b ON b.session_id = t.session_id AND b.batch_seq = t.batch_seq
   CROSS JOIN LATERAL keystroke_batch_events(b.batch_seq, b.offset_us, b.key_code, b.key_value, b.text_pos, b.event_bits, b.batch_idx, b.seq_delta) k
), merged AS (
  SELECT DISTINCT ON (session_id, batch_seq, batch_idx) *
    FROM (SELECT *, false AS old FROM incoming UNION ALL SELECT * FROM existing) u
   ORDER BY session_id, batch_seq, batch_idx, old DESC, ord
), stored AS (
  INSERT INTO keystroke_batches (session_id, batch_seq, offset_us, key_code, key_value, text_pos, event_bits, batch_idx)
  SELECT session_id, batch_seq,
         array_agg(offset_us ORDER BY batch_idx), array_agg(key_code ORDER BY batch_idx),
         array_agg(key_value ORDER BY batch_idx), array_agg(text_pos ORDER BY batch_idx),
         keystroke_event_bits(array_agg(event_type ORDER BY batch_idx), array_agg(is_error ORDER BY batch_idx),
                              array_agg(finger ORDER BY batch_idx), array_agg(flags ORDER BY batch_idx)),
         CASE WHEN min(batch_idx) = 0 AND max(batch_idx) = count(*) - 1 THEN NULL ELSE array_agg(batch_idx ORDER BY batch_idx) END
    FROM merged GROUP BY session_id, batch_seq HAVING NOT bool_and(old)
  ON CONFLICT (session_id, batch_seq) DO UPDATE SET
    offset_us = EXCLUDED.offset_us, key_code = EXCLUDED.key_code, key_value = EXCLUDED.key_value,
    text_pos = EXCLUDED.text_pos, event_bits = EXCLUDED.event_bits, batch_idx = EXCLUDED.batch_idx
)
SELECT count(*) FILTER (WHERE NOT old)::int AS added FROM merged`;

/**
 * Adds events to the packed table outside the ingest path (imports, fixtures), skipping
 * those already stored; returns how many were new. An import arrives in chunks that may
 * split a batch, so a batch is merged with what it holds rather than refused. The caller
 * serialises writers of the same session (imports hold a per-user advisory lock) and runs
 * this in a transaction: the session row lock EXPAND takes keeps compaction away until
 * COMMIT, or a compaction between the two statements could hide a batch from the merge.
 */
export async function mergeKeystrokeRows(client: pg.ClientBase, rows: readonly KeystrokeRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  for (const [sessionId, seqs] of batchSeqsBySession(rows)) await client.query(EXPAND, [sessionId, [...seqs]]);
  const column = <T>(pick: (r: KeystrokeRow) => T): T[] => rows.map(pick);
  const { rows: result } = await client.query<{ added: number }>(MERGE, [
    column((r) => r.sessionId), column((r) => r.batchSeq), column((r) => r.batchIdx), column((r) => r.offsetUs), column((r) => r.type),
    column((r) => r.code), column((r) => r.key), column((r) => r.textPos), column((r) => r.finger), column((r) => r.isError), column((r) => r.flags),
  ]);
  return result[0]!.added;
}

const EXPAND = 'SELECT expand_session_keystrokes($1::uuid, $2::int[])';

function batchSeqsBySession(rows: readonly KeystrokeRow[]): Map<string, Set<number>> {
  const bySession = new Map<string, Set<number>>();
  for (const row of rows) {
    const seqs = bySession.get(row.sessionId);
    if (seqs) seqs.add(row.batchSeq);
    else bySession.set(row.sessionId, new Set([row.batchSeq]));
  }
  return bySession;
}

/**
 * A session's stored event count and highest batch, from the batch rows: a compacted row's
 * highest batch is its own plus its largest delta (only those small arrays are unnested).
 */
export const SESSION_STORED_TOTALS = `SELECT coalesce(sum(cardinality(offset_us)), 0) AS n,
  coalesce(max(batch_seq + coalesce((SELECT max(d) FROM unnest(seq_delta) d), 0)), 0) AS seq
  FROM keystroke_batches WHERE session_id = $1`;
