import type pg from 'pg';
import type { StoredBatch, StoredSessionSummary } from '../../shared/api/loadtest.ts';

/**
 * Per session: committed seq and a digest of what is stored (row count, batch count, sum of
 * offsets). The load tool compares it with what it sent; only sessions whose digest differs
 * are looked at batch by batch (storedBatches), which keeps the answer small for a clean run.
 * Sessions that are not load-test sessions are left out, so the route reveals nothing else.
 */
export async function storedSessionSummaries(pool: pg.Pool, sessionIds: string[]): Promise<StoredSessionSummary[]> {
  const { rows } = await pool.query<{ id: string; committed_seq: number; ended: boolean; events: number; batches: number; offset_sum: string }>(
    `SELECT s.id, s.committed_seq, s.ended_at IS NOT NULL AS ended, k.events, k.batches, k.offset_sum
       FROM typing_sessions s
       CROSS JOIN LATERAL (SELECT count(*)::int AS events, count(DISTINCT batch_seq)::int AS batches, coalesce(sum(offset_us), 0)::text AS offset_sum
                             FROM keystrokes WHERE session_id = s.id) k
      WHERE s.id = ANY($1::uuid[]) AND s.config->>'source' = 'loadtest'`,
    [sessionIds],
  );
  return rows.map((r) => ({ sessionId: r.id, committedSeq: r.committed_seq, ended: r.ended, events: r.events, batches: r.batches, offsetSum: r.offset_sum }));
}

/** Batch by batch, for the sessions whose summary did not match. */
export async function storedBatches(pool: pg.Pool, sessionIds: string[]): Promise<StoredBatch[]> {
  const { rows } = await pool.query<{ session_id: string; batch_seq: number; events: number; offset_sum: string }>(
    `SELECT k.session_id, k.batch_seq, count(*)::int AS events, sum(k.offset_us)::text AS offset_sum
       FROM keystrokes k JOIN typing_sessions s ON s.id = k.session_id
      WHERE k.session_id = ANY($1::uuid[]) AND s.config->>'source' = 'loadtest'
      GROUP BY k.session_id, k.batch_seq`,
    [sessionIds],
  );
  return rows.map((r) => ({ sessionId: r.session_id, batchSeq: r.batch_seq, events: r.events, offsetSum: r.offset_sum }));
}
