import type pg from 'pg';
import type { TimedKey } from '../../../shared/metrics/live.ts';
import type { SessionStore, StoreClaim } from '../core/ports.ts';
import { isConnectionError } from '../../db/pg-errors.ts';
import { SessionEnds } from './session-ends.ts';

/**
 * The typing_sessions side of ingest: who holds a session, and its end. Claiming takes the
 * session's row lock, so it waits for a flush of the same session in progress and then sees
 * that flush's committed_seq: a client told "committed up to N" can trust N.
 */
export class PgSessionStore implements SessionStore {
  private readonly ends: SessionEnds;

  /** `ended` hears of every session this store ended (the analytics refresh queue). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly ended: (sessionId: string) => void = () => undefined,
    private readonly quota: { eventsPerUserPerDay?: number } = {},
  ) {
    this.ends = new SessionEnds(pool);
  }

  /** A lost connection, a shutdown or a deadlock: the client tries again later. Anything else is a bug. */
  isUnavailable(error: unknown): boolean {
    return isConnectionError(error);
  }

  /**
   * One statement in the common case. The CTE locks the row (waiting for a flush of the
   * session in progress) and reads who held it; the UPDATE takes the session only when it is
   * the user's and not ended; the row comes back as that flush left it, with where the
   * session's clock stands and the owner's events of the day. Measured at 5,000 and 10,000
   * typists: claims made of several round trips held pooled connections across as many turns
   * of a busy event loop, and queued behind each other until the pool timed out
   * (DATABASE_UNAVAILABLE, and the clients reconnected).
   *
   * When the claim waited for a flush, this statement's snapshot predates that flush's batch:
   * the last offset is then read again by a second statement, which sees it.
   */
  async claim(sessionId: string, userId: string, connectionId: string): Promise<StoreClaim> {
    try {
      const { rows } = await this.pool.query<ClaimRow>(CLAIM_SQL, [sessionId, userId, connectionId]);
      const row = rows[0];
      if (!row) return { ok: false, code: 'UNKNOWN_SESSION', committedSeq: 0 };
      if (row.user_id !== userId) return { ok: false, code: 'SESSION_FORBIDDEN', committedSeq: 0 };
      if (row.ended_at) return { ok: false, code: 'SESSION_ENDED', committedSeq: row.committed_seq };
      const lastOffset = row.last_offset ?? (row.committed_seq === 0 ? 0 : await lastStoredOffset(this.pool, sessionId, row.committed_seq));
      const eventsPerDay = this.quota.eventsPerUserPerDay;
      return {
        ok: true,
        committedSeq: row.committed_seq,
        previousHolder: row.previous_holder,
        lastOffsetUs: Number(lastOffset),
        eventsLeft: eventsPerDay === undefined ? undefined : Math.max(0, eventsPerDay - Number(row.today)),
      };
    } catch (error) {
      if (isConnectionError(error)) return { ok: false, code: 'DATABASE_UNAVAILABLE', committedSeq: 0, cause: (error as Error).message };
      throw error;
    }
  }

  /**
   * Ends the session if this connection still holds it, then has its analytics computed in
   * the background, so the results screen and the history list find them ready.
   */
  async markEnded(sessionId: string, connectionId: string): Promise<'ended' | 'taken_over'> {
    if (!(await this.ends.end(sessionId, connectionId))) return 'taken_over';
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

interface ClaimRow {
  user_id: string;
  ended_at: Date | null;
  committed_seq: number;
  previous_holder: string | null;
  /** null when the last committed batch is not visible to the statement (see claim). */
  last_offset: string | null;
  today: string;
}

/**
 * The claim: the row locked and its holder read (previous), taken when allowed (claimed),
 * then the last offset of the last committed batch through the primary key, and the
 * events of the owner's sessions started in the last 24 hours by the (user_id, started_at)
 * index.
 */
const CLAIM_SQL = `
  WITH previous AS (
    SELECT id, ingest_owner FROM typing_sessions WHERE id = $1 FOR UPDATE
  ), claimed AS (
    UPDATE typing_sessions t
       SET ingest_owner = CASE WHEN t.user_id = $2 AND t.ended_at IS NULL THEN $3 ELSE t.ingest_owner END,
           ingest_owner_since = CASE WHEN t.user_id = $2 AND t.ended_at IS NULL THEN now() ELSE t.ingest_owner_since END
      FROM previous p WHERE t.id = p.id
    RETURNING t.user_id, t.ended_at, t.committed_seq, p.ingest_owner AS previous_holder
  )
  SELECT c.user_id, c.ended_at, c.committed_seq, c.previous_holder,
         CASE WHEN c.committed_seq = 0 THEN 0
              ELSE (SELECT max(offset_us) FROM keystrokes WHERE session_id = $1 AND batch_seq = c.committed_seq) END AS last_offset,
         (SELECT coalesce(sum(event_count), 0) FROM typing_sessions WHERE user_id = c.user_id AND started_at > now() - interval '1 day') AS today
    FROM claimed c`;

/** The offset of the last event of a committed batch, read with a fresh snapshot. */
async function lastStoredOffset(pool: Pick<pg.Pool, 'query'>, sessionId: string, seq: number): Promise<string> {
  const { rows } = await pool.query<{ last_offset: string }>(
    'SELECT coalesce(max(offset_us), 0) AS last_offset FROM keystrokes WHERE session_id = $1 AND batch_seq = $2',
    [sessionId, seq],
  );
  return rows[0]!.last_offset;
}
