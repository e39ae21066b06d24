import pg from 'pg';
import { compareBatches, type SentSession, type StoredCheck } from './verify-compare.ts';

export type { StoredCheck } from './verify-compare.ts';

/**
 * The same check straight from PostgreSQL (`--database-url`, the fault-injection harness):
 * every stored batch of the clients' sessions against what they sent.
 */
export async function verifyStored(databaseUrl: string, clients: readonly SentSession[]): Promise<StoredCheck> {
  const db = new pg.Client({ connectionString: databaseUrl, application_name: 'fingerflow-load-report', connectionTimeoutMillis: 15_000, query_timeout: 120_000 });
  await db.connect();
  try {
    const { rows } = await db.query<{ session_id: string; batch_seq: number; n: number; offsets: string }>(
      `SELECT session_id, batch_seq, count(*)::int AS n, sum(offset_us)::text AS offsets
       FROM keystrokes WHERE session_id = ANY($1::uuid[]) GROUP BY session_id, batch_seq`,
      [clients.map((c) => c.sessionId)],
    );
    return compareBatches(clients, rows.map((r) => ({ sessionId: r.session_id, batchSeq: r.batch_seq, events: r.n, offsetSum: r.offsets })));
  } finally {
    await db.end();
  }
}
