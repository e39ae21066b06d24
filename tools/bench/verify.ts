import type pg from 'pg';

/**
 * Lost = acknowledged events that are not stored; duplicates = stored rows beyond what the
 * session's committed sequence accounts for (each batch has `perBatch` events).
 */
export async function verifyStored(db: pg.Client, sessionIds: string[], acked: Map<string, number>, perBatch: number): Promise<{ lost: number; duplicates: number; stored: number }> {
  const { rows } = await db.query<{ id: string; committed_seq: number; stored: number }>(
    `SELECT s.id, s.committed_seq, (SELECT count(*)::int FROM keystrokes k WHERE k.session_id = s.id) AS stored
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
