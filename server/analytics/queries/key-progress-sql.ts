import type pg from 'pg';
import { STARTED_AT_ISO } from '../sql/history-sql.ts';

/** One session's figures for one letter (session_letters, built by the analytics cache). */
export interface KeyProgressPoint {
  sessionId: string;
  startedAt: string;
  hits: number;
  misses: number;
  /** Mean transition time of the letter's hits that have one (METRICS.md section 7); null when none. */
  meanMs: number | null;
}

/** $1 user, $2 letter: a point per session that typed the letter, oldest first. */
const KEY_PROGRESS_SQL = `
  SELECT coalesce(json_agg(json_build_object('sessionId', t.id, 'startedAt', ${STARTED_AT_ISO}, 'hits', l.hits, 'misses', l.misses,
    'meanMs', CASE WHEN l.time_count > 0 THEN l.time_sum_us::float8 / l.time_count / 1000 END) ORDER BY t.started_at, t.id), '[]') AS points
  FROM session_letters l JOIN typing_sessions t ON t.id = l.session_id
  WHERE t.user_id = $1 AND l.letter = $2`;

export async function queryKeyProgress(pool: pg.Pool, userId: string, letter: string): Promise<KeyProgressPoint[]> {
  const result = await pool.query<{ points: KeyProgressPoint[] }>(KEY_PROGRESS_SQL, [userId, letter]);
  return result.rows[0]!.points;
}
