import type pg from 'pg';
import { ROW_TABLE } from './row-copy.ts';

/**
 * Lost = acknowledged events that are not stored; duplicates = stored rows beyond what the
 * session's committed sequence accounts for (each batch has `perBatch` events).
 */
export async function verifyStored(db: pg.Client, sessionIds: string[], acked: Map<string, number>, perBatch: number, table: 'packed' | 'rows' = 'packed'): Promise<{ lost: number; duplicates: number; stored: number }> {
  // 'rows': the v1-shaped table the HTTP+INSERT baseline writes (row-copy.ts).
  const storedSql = table === 'packed'
    ? `SELECT coalesce(sum(cardinality(b.offset_us)), 0)::int FROM keystroke_batches b WHERE b.session_id = s.id`
    : `SELECT count(*)::int FROM ${ROW_TABLE} k WHERE k.session_id = s.id`;
  const { rows } = await db.query<{ id: string; committed_seq: number; stored: number }>(
    `SELECT s.id, s.committed_seq, (${storedSql}) AS stored
     FROM typing_sessions s WHERE s.id = ANY($1::uuid[])`,
    [sessionIds],
  );
  let lost = 0;
  let duplicates = 0;
  let stored = 0;
  for (const row of rows) {
    const ackedEvents = (acked.get(row.id) ?? 0) * perBatch;
    lost += Math.max(0, ackedEvents - row.stored);
    duplicates += Math.max(0, row.stored - row.committed_seq * perBatch);
    stored += row.stored;
  }
  return { lost, duplicates, stored };
}
