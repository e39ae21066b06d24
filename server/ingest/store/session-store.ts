import type pg from 'pg';
import type { TimedKey } from '../../../shared/metrics/live.ts';
import type { ClaimResult, SessionStore } from '../core/ports.ts';
import type { StreamStart } from '../core/stream-guard.ts';
import { isConnectionError } from '../../db/pg-errors.ts';
import { inTransaction } from '../../db/transaction.ts';

/**
 * The typing_sessions side of ingest: who holds a session, and its end. Claiming takes the
 * session's row lock, so it waits for a flush of the same session in progress and then sees
 * that flush's committed_seq: a client told "committed up to N" can trust N.
 */
export class PgSessionStore implements SessionStore {
  /** `ended` hears of every session this store ended (the analytics refresh queue). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly ended: (sessionId: string) => void = () => undefined,
    private readonly quota: { eventsPerUserPerDay?: number } = {},
  ) {}

  /** A lost connection, a shutdown or a deadlock: the client tries again later. Anything else is a bug. */
  isUnavailable(error: unknown): boolean {
    return isConnectionError(error);
  }

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

  async holder(sessionId: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ ingest_owner: string | null }>('SELECT ingest_owner FROM typing_sessions WHERE id = $1', [sessionId]);
    return rows[0]?.ingest_owner ?? null;
  }

  /** For spectators: has the session ended, and its events of the last `windowUs` of typing. */
  async watchState(sessionId: string, windowUs: number): Promise<{ ended: boolean; events: TimedKey[] }> {
    const { rows } = await this.pool.query<{ ended: boolean }>('SELECT ended_at IS NOT NULL AS ended FROM typing_sessions WHERE id = $1', [sessionId]);
    const ended = rows[0]?.ended ?? false;
    if (windowUs <= 0) return { ended, events: [] };
    const { rows: events } = await this.pool.query<{ event_type: number; key_code: string; key_value: string; offset_us: string; text_pos: number; is_error: boolean; flags: number }>(
      `SELECT event_type, key_code, key_value, offset_us, text_pos, is_error, flags FROM keystrokes
        WHERE session_id = $1 AND offset_us >= (SELECT max(offset_us) FROM keystrokes WHERE session_id = $1) - $2
        ORDER BY offset_us, batch_seq, batch_idx`,
      [sessionId, windowUs],
    );
    return {
      ended,
      events: events.map((r) => ({
        type: r.event_type as 0 | 1, code: r.key_code, key: r.key_value, offsetUs: Number(r.offset_us), textPos: r.text_pos, isError: r.is_error, flags: r.flags,
      })),
    };
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
