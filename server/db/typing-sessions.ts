import type { TypingMode } from '../../shared/practice/options.ts';
import type { Queryable } from './queryable.ts';
import { visibleTo } from './word-sets.ts';
import { foreignKeyViolation } from './constraint-errors.ts';

/** A session as listed: everything but the practice text, which can be 20,000 characters. */
export interface SessionSummaryRow {
  id: string;
  user_id: string;
  mode: TypingMode;
  config: Record<string, unknown>;
  practice_text_length: number;
  word_set_id: string | null;
  keyboard_layout: string;
  started_at: Date;
  ended_at: Date | null;
  event_count: number;
  duration_ms: number | null;
  wpm: number | null;
  raw_wpm: number | null;
  accuracy: number | null;
  /**
   * Whether the test ran to its end (METRICS.md section 3): null until its analytics are
   * computed; a cache row built before completion was kept (0010) counts as complete.
   */
  complete: boolean | null;
  /** started_at to the microsecond, as text: a Date would round it and break paging. */
  cursor_at: string;
}

export interface SessionRow extends SessionSummaryRow {
  practice_text: string;
  committed_seq: number;
  summary: unknown;
}

const SUMMARY = `s.id, s.user_id, s.mode, s.config, length(s.practice_text) AS practice_text_length, s.word_set_id, s.keyboard_layout,
  s.started_at, s.ended_at, s.event_count, s.duration_ms, s.wpm, s.raw_wpm, s.accuracy,
  (SELECT coalesce(ss.complete, true) FROM session_summaries ss WHERE ss.session_id = s.id) AS complete,
  to_char(s.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_at`;
const FULL = `${SUMMARY}, s.practice_text, s.committed_seq, s.summary`;

export interface NewSession {
  userId: string;
  mode: TypingMode;
  config: Record<string, unknown>;
  practiceText: string;
  wordSetId: string | null;
  keyboardLayout: string;
}

export type InsertResult = { ok: true; session: SessionRow } | { ok: false; reason: 'word_set_not_found' | 'user_not_found' };

/**
 * Inserts a session, only if its word set (when named) is one the user may read. A user
 * deleted meanwhile (an anonymous typist just claimed by an account) or a word set deleted
 * between check and insert breaks a foreign key; both are answers, not crashes.
 */
export async function insertSession(db: Queryable, input: NewSession): Promise<InsertResult> {
  try {
    const { rows } = await db.query<SessionRow>(
      `WITH s AS (
         INSERT INTO typing_sessions (user_id, mode, config, practice_text, word_set_id, keyboard_layout)
         SELECT $1::uuid, $2::text, $3::jsonb, $4::text, $5::uuid, $6::text
         WHERE $5::uuid IS NULL OR EXISTS (SELECT 1 FROM word_sets w WHERE w.id = $5 AND ${visibleTo('w', '$1')})
         RETURNING *)
       SELECT ${FULL} FROM s`,
      [input.userId, input.mode, JSON.stringify(input.config), input.practiceText, input.wordSetId, input.keyboardLayout],
    );
    return rows[0] ? { ok: true, session: rows[0] } : { ok: false, reason: 'word_set_not_found' };
  } catch (error) {
    const key = foreignKeyViolation(error);
    if (key === 'typing_sessions_user_id_fkey') return { ok: false, reason: 'user_not_found' };
    if (key === 'typing_sessions_word_set_id_fkey') return { ok: false, reason: 'word_set_not_found' };
    throw error;
  }
}

export async function findOwnSession(db: Queryable, id: string, userId: string): Promise<SessionRow | undefined> {
  return (await db.query<SessionRow>(`SELECT ${FULL} FROM typing_sessions s WHERE s.id = $1 AND s.user_id = $2`, [id, userId])).rows[0];
}

/** Whether the user's session still takes keystrokes; undefined when it is not theirs. */
export async function ownSessionState(db: Queryable, id: string, userId: string): Promise<'open' | 'ended' | undefined> {
  const row = (await db.query<{ ended: boolean }>('SELECT ended_at IS NOT NULL AS ended FROM typing_sessions WHERE id = $1 AND user_id = $2', [id, userId])).rows[0];
  return row ? (row.ended ? 'ended' : 'open') : undefined;
}

/** Sets ended_at once; ending again returns the session unchanged. */
export async function endOwnSession(db: Queryable, id: string, userId: string): Promise<SessionRow | undefined> {
  const { rows } = await db.query<SessionRow>(
    `WITH s AS (
       UPDATE typing_sessions SET ended_at = coalesce(ended_at, now()), updated_at = CASE WHEN ended_at IS NULL THEN now() ELSE updated_at END
       WHERE id = $1 AND user_id = $2 RETURNING *)
     SELECT ${FULL} FROM s`,
    [id, userId],
  );
  return rows[0];
}

/**
 * Deletes the session; its keystrokes go with it (trigger). The ingest writer locks the
 * session row for each flush, so a flush in progress finishes first and later batches for
 * the session are refused as unknown.
 */
export async function deleteOwnSession(db: Queryable, id: string, userId: string): Promise<boolean> {
  return ((await db.query('DELETE FROM typing_sessions WHERE id = $1 AND user_id = $2', [id, userId])).rowCount ?? 0) > 0;
}

export interface SessionFilter {
  /** started_at at or after */
  from?: Date;
  /** started_at before */
  to?: Date;
  mode?: TypingMode;
}

/** Newest first. `after` is the (started_at, id) of the last row already seen (keyset paging). */
export type SessionPage = { limit: number; offset: number } | { limit: number; after: { startedAt: string; id: string } };

export async function listOwnSessions(db: Queryable, userId: string, filter: SessionFilter, page: SessionPage): Promise<{ rows: SessionSummaryRow[]; total: number }> {
  const params: unknown[] = [userId];
  const where = ['s.user_id = $1'];
  const add = (sql: (p: string) => string, value: unknown) => where.push(sql(`$${params.push(value)}`));
  if (filter.from) add((p) => `s.started_at >= ${p}`, filter.from);
  if (filter.to) add((p) => `s.started_at < ${p}`, filter.to);
  if (filter.mode) add((p) => `s.mode = ${p}`, filter.mode);
  const filtered = [...where];
  const pageParams = [...params];
  let offset = 0;
  if ('after' in page) {
    const at = `$${pageParams.push(page.after.startedAt)}::timestamptz`;
    const id = `$${pageParams.push(page.after.id)}::uuid`;
    // The first condition is implied by the second; it lets the (user_id, started_at) index bound the scan.
    where.push(`s.started_at <= ${at}`, `(s.started_at, s.id) < (${at}, ${id})`);
  } else offset = page.offset;
  const limit = `$${pageParams.push(page.limit)}`;
  const skip = `$${pageParams.push(offset)}`;
  const [list, count] = await Promise.all([
    db.query<SessionSummaryRow>(
      `SELECT ${SUMMARY} FROM typing_sessions s WHERE ${where.join(' AND ')}
       ORDER BY s.started_at DESC, s.id DESC LIMIT ${limit} OFFSET ${skip}`,
      pageParams,
    ),
    db.query<{ total: number }>(`SELECT count(*)::int AS total FROM typing_sessions s WHERE ${filtered.join(' AND ')}`, params),
  ]);
  return { rows: list.rows, total: count.rows[0]!.total };
}
