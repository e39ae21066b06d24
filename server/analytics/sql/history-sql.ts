/**
 * A user's sessions for the history scopes: the range, the trend and the per-key model all
 * start from `typing_sessions (user_id, started_at)`, the index made for them.
 */

/** started_at as ISO text to the microsecond, as the sessions API writes it. */
export const STARTED_AT_ISO = `to_char(t.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Ids of $1's sessions started in [$2, $3) (null bounds are open), oldest first. */
export const SESSIONS_IN_RANGE_SQL = `
  SELECT t.id FROM typing_sessions t
  WHERE t.user_id = $1 AND ($2::timestamptz IS NULL OR t.started_at >= $2) AND ($3::timestamptz IS NULL OR t.started_at < $3)
  ORDER BY t.started_at, t.id`;

/** Does $1 own session $2? */
export const OWNS_SESSION_SQL = 'SELECT 1 FROM typing_sessions WHERE id = $1 AND user_id = $2';

/**
 * One point per session, oldest first, from the cached summaries; sessions stopped early only
 * when $2 (a cache row built before completion was kept counts as complete).
 */
export const TREND_SQL = `
  SELECT coalesce(json_agg(json_build_object('sessionId', t.id, 'startedAt', ${STARTED_AT_ISO}, 'mode', t.mode, 'summary', s.summary,
    'complete', coalesce(s.complete, true))
    ORDER BY t.started_at, t.id), '[]') AS points
  FROM typing_sessions t JOIN session_summaries s ON s.session_id = t.id
  WHERE t.user_id = $1 AND ($2::boolean OR s.complete IS NOT FALSE)`;

/** Of the sessions $1 (cache fresh), those that ran to their end, in the given order. */
export const COMPLETE_SESSIONS_SQL = `
  SELECT i.id FROM unnest($1::uuid[]) WITH ORDINALITY AS i(id, n) JOIN session_summaries s ON s.session_id = i.id
  WHERE s.complete IS NOT FALSE ORDER BY i.n`;

/**
 * Personal bests of $1: per mode and length (seconds of a timed test, words of a words test,
 * none for quote and custom), the session with the highest net speed (productive wpm), the
 * earlier one on a tie; sessions stopped early only when $2.
 */
export const BESTS_SQL = `
  WITH ranked AS (
    SELECT t.mode, CASE t.mode WHEN 'timed' THEN t.config->>'duration' WHEN 'words' THEN t.config->>'wordCount' END AS length,
           t.id, t.started_at, (s.summary->'speed'->>'productiveWpm')::float8 AS wpm, (s.summary->'speed'->>'rawWpm')::float8 AS raw_wpm,
           (s.summary->'accuracy'->>'keystrokeAccuracy')::float8 AS accuracy
    FROM typing_sessions t JOIN session_summaries s ON s.session_id = t.id
    WHERE t.user_id = $1 AND ($2::boolean OR s.complete IS NOT FALSE) AND s.summary->'speed'->>'productiveWpm' IS NOT NULL
  )
  SELECT coalesce(json_agg(json_build_object('mode', b.mode, 'length', b.length::int, 'sessionId', b.id,
    'startedAt', to_char(b.started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'wpm', b.wpm, 'rawWpm', b.raw_wpm, 'accuracy', b.accuracy)
    ORDER BY b.mode, b.length::int NULLS LAST), '[]') AS bests
  FROM (SELECT DISTINCT ON (mode, length) * FROM ranked WHERE length IS NULL OR length ~ '^[0-9]{1,9}$'
        ORDER BY mode, length, wpm DESC, started_at, id) b`;

/**
 * learning.ts keyModel in SQL: $1 user, $2 alpha, $3 target milliseconds. The EMA s1 = x1,
 * sn = a*xn + (1-a)*s(n-1) over a letter's n timed sessions is written out as a weighted
 * sum, sn = (1-a)^(n-1) x1 + sum over k >= 2 of a (1-a)^(n-k) xk, which a window gives.
 */
export const KEY_MODEL_SQL = `
  WITH letters AS (
    SELECT l.*, t.started_at FROM session_letters l JOIN typing_sessions t ON t.id = l.session_id WHERE t.user_id = $1
  ),
  timed AS (
    SELECT letter, l.time_sum_us::float8 / l.time_count / 1000 AS ms,
           row_number() OVER (PARTITION BY letter ORDER BY l.started_at, l.session_id) AS k,
           count(*) OVER (PARTITION BY letter) AS n
    FROM letters l WHERE l.time_count > 0
  ),
  smoothed AS (
    SELECT letter, count(*) AS sessions, min(ms) AS best_ms, (array_agg(ms ORDER BY k DESC))[1] AS last_ms,
           sum(CASE WHEN k = 1 THEN power(1 - $2::float8, n - 1) ELSE $2::float8 * power(1 - $2::float8, n - k) END * ms) AS smoothed_ms
    FROM timed GROUP BY letter
  ),
  totals AS (SELECT letter, sum(hits) AS hits, sum(misses) AS misses FROM letters GROUP BY letter)
  SELECT coalesce(json_agg(json_build_object('key', t.letter, 'hits', t.hits, 'misses', t.misses, 'sessions', coalesce(s.sessions, 0),
    'lastMs', s.last_ms, 'smoothedMs', s.smoothed_ms, 'bestMs', s.best_ms, 'confidence', $3::float8 / nullif(s.smoothed_ms, 0))
    ORDER BY t.letter), '[]') AS keys
  FROM totals t LEFT JOIN smoothed s USING (letter)`;
