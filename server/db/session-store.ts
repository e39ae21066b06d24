import type pg from 'pg';
import type { ClaimResult } from '../session/ports.ts';
import type { StreamStart } from '../session/stream-guard.ts';
import { isConnectionError } from './pg-errors.ts';
import { inTransaction } from './transaction.ts';

/**
 * The typing_sessions side of ingest: who holds a session, and its end. Claiming takes the
 * session's row lock, so it waits for a flush of the same session in progress and then sees
 * that flush's committed_seq: a client told "committed up to N" can trust N.
 */
export class PgSessionStore {
  /** `ended` hears of every session this store ended (the analytics refresh queue). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly ended: (sessionId: string) => void = () => undefined,
    private readonly quota: { eventsPerUserPerDay?: number } = {},
  ) {}

  async claim(sessionId: string, userId: string, connectionId: string): Promise<ClaimResult> {
    try {
      return await inTransaction(this.pool, async (client): Promise<ClaimResult> => {
        const { rows } = await client.query<{ user_id: string; ended_at: Date | null; committed_seq: number }>(
          'SELECT user_id, ended_at, committed_seq FROM typing_sessions WHERE id = $1 FOR UPDATE',
          [sessionId],
        );
        const row = rows[0];
        if (!row) return { ok: false, code: 'UNKNOWN_SESSION', committedSeq: 0 };
        if (row.user_id !== userId) return { ok: false, code: 'SESSION_FORBIDDEN', committedSeq: 0 };
        if (row.ended_at) return { ok: false, code: 'SESSION_ENDED', committedSeq: row.committed_seq };
        await client.query('UPDATE typing_sessions SET ingest_owner = $2, ingest_owner_since = now() WHERE id = $1', [sessionId, connectionId]);
        return { ok: true, committedSeq: row.committed_seq, ...(await streamStart(client, sessionId, userId, row.committed_seq, this.quota.eventsPerUserPerDay)) };
      });
    } catch (error) {
      if (isConnectionError(error)) return { ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: 0 };
      throw error;
    }
  }

  /**
   * Ends the session if this connection still holds it, then has its analytics computed in
   * the background, so the results screen and the history list find them ready.
   */
  async markEnded(sessionId: string, connectionId: string): Promise<'ended' | 'taken_over'> {
    const { rowCount } = await this.pool.query(
      'UPDATE typing_sessions SET ended_at = coalesce(ended_at, now()), updated_at = now() WHERE id = $1 AND ingest_owner = $2',
      [sessionId, connectionId],
    );
    if (!rowCount) return 'taken_over';
    this.ended(sessionId);
    return 'ended';
  }
}

/**
 * Where the session's clock stands (the last offset of its last committed batch, read through
 * the primary key) and how many events its owner may still store today: the sessions started
 * in the last 24 hours, by the (user_id, started_at) index.
 */
async function streamStart(client: pg.PoolClient, sessionId: string, userId: string, committedSeq: number, eventsPerDay: number | undefined): Promise<StreamStart> {
  const { rows } = await client.query<{ last_offset: number; today: number }>(
    `SELECT (SELECT coalesce(max(offset_us), 0) FROM keystrokes WHERE session_id = $1 AND batch_seq = $2) AS last_offset,
            (SELECT coalesce(sum(event_count), 0) FROM typing_sessions WHERE user_id = $3 AND started_at > now() - interval '1 day') AS today`,
    [sessionId, committedSeq, userId],
  );
  const row = rows[0]!;
  return { lastOffsetUs: Number(row.last_offset), eventsLeft: eventsPerDay === undefined ? undefined : Math.max(0, eventsPerDay - Number(row.today)) };
}
