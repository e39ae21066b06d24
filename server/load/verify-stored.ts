import pg from 'pg';
import type { LoadClient } from './load-client.ts';

export interface StoredCheck {
  stored: number;
  lost: number;
  duplicates: number;
}

/**
 * Compares what PostgreSQL holds with what each client sent, batch by batch (event count
 * and the sum of offsets as a checksum). Lost = events of acknowledged batches that are not
 * there; duplicates = rows beyond what was sent: a batch stored twice under two sequence
 * numbers, or rows in a batch the client never sent.
 */
export async function verifyStored(databaseUrl: string, clients: readonly LoadClient[]): Promise<StoredCheck> {
  const db = new pg.Client({ connectionString: databaseUrl, application_name: 'fingerflow-load-report' });
  await db.connect();
  try {
    const bySession = new Map(clients.map((c) => [c.sessionId, c]));
    const { rows } = await db.query<{ session_id: string; batch_seq: number; n: number; offsets: string }>(
      `SELECT session_id, batch_seq, count(*)::int AS n, sum(offset_us)::text AS offsets
       FROM keystrokes WHERE session_id = ANY($1::uuid[]) GROUP BY session_id, batch_seq`,
      [[...bySession.keys()]],
    );
    let stored = 0;
    let lost = 0;
    let duplicates = 0;
    const seen = new Set<string>();
    for (const row of rows) {
      stored += row.n;
      const sent = bySession.get(row.session_id)?.batches.get(row.batch_seq);
      seen.add(`${row.session_id}:${row.batch_seq}`);
      if (!sent) {
        duplicates += row.n;
      } else if (row.n !== sent.count || Number(row.offsets) !== sent.offsetSum) {
        // Stored rows that are not the batch that was sent under this number: they are
        // foreign (duplicates of something else), and the batch itself is missing.
        duplicates += row.n;
        if (row.batch_seq <= (bySession.get(row.session_id)?.ackedSeq ?? 0)) lost += sent.count;
      }
    }
    for (const client of clients) {
      for (const [seq, sent] of client.batches) {
        if (seq <= client.ackedSeq && !seen.has(`${client.sessionId}:${seq}`)) lost += sent.count;
      }
    }
    return { stored, lost, duplicates };
  } finally {
    await db.end();
  }
}
