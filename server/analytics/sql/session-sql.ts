import { CONFUSION_JSON, DIGRAPHS_SQL, GROUPS_SQL, digraphsJson, groupsJson } from './breakdown-sql.ts';
import { deriveFactsCtes } from './derive-sql.ts';
import { fatigueCtes, fatigueWidthCte, FATIGUE_COLUMNS, FATIGUE_WIDTH } from './fatigue-sql.ts';
import { SCOPE_AGGREGATES, scopeSummaryPairs } from './summary-sql.ts';
import { consistencySql } from './timing-sql.ts';
import { MAX_SERIES_POINTS } from '../../../shared/metrics/series.ts';

/**
 * One statement for a session's analytics, derived from its stored keystrokes: $1 session
 * id, $2 window start and $3 window end in microseconds (null: unbounded), $4 fatigue window
 * in seconds. The derived keydowns are computed once (a CTE used many times is
 * materialised). Returns one row of JSON columns shaped like SessionAnalytics, and the
 * session's stamp read in the same snapshot, under which the answer may be cached.
 */
export const SESSION_ANALYTICS_SQL = `
WITH ${deriveFactsCtes((id) => `${id} = $1`)},
bounds AS (
  SELECT min(offset_us) FILTER (WHERE NOT is_repeat) AS s_start,
         max(coalesce(up_us, offset_us)) FILTER (WHERE NOT is_repeat) AS s_end
  FROM facts
),
-- The scope: the window clipped to first keydown .. last keyup (GREATEST/LEAST skip nulls).
sc AS (
  SELECT s_start IS NOT NULL AS has_bounds, greatest(s_start, $2::bigint) AS start_us, least(s_end, $3::bigint) AS end_us
  FROM bounds
),
f AS (
  SELECT * FROM facts WHERE ($2::bigint IS NULL OR offset_us >= $2::bigint) AND ($3::bigint IS NULL OR offset_us < $3::bigint)
),
-- Seconds of the session clock from the one holding start to the one holding end; the last
-- is closed at end, so a keydown exactly at end counts in it.
-- k: seconds per point, 1 unless the scope is longer than MAX_SERIES_POINTS seconds (series.ts).
sec_range AS (
  SELECT start_us / 1000000 AS first_s, (end_us + 999999) / 1000000 - 1 AS last_s, start_us, end_us,
         greatest(1, ((end_us + 999999) / 1000000 - start_us / 1000000 + ${MAX_SERIES_POINTS - 1}) / ${MAX_SERIES_POINTS}) AS k
  FROM sc WHERE has_bounds AND end_us > start_us
),
buckets AS (
  SELECT r.first_s + (least(f.offset_us / 1000000, r.last_s) - r.first_s) / r.k * r.k AS second, count(*) AS chars,
         count(*) FILTER (WHERE f.is_error) AS errors, count(*) FILTER (WHERE f.is_final AND NOT f.is_error) AS correct
  FROM f, sec_range r WHERE f.is_char GROUP BY 1
),
secs AS (
  SELECT g.second, r.k, coalesce(b.chars, 0) AS chars, coalesce(b.errors, 0) AS errors, coalesce(b.correct, 0) AS correct,
         g.second * 1000000 >= r.start_us AND (g.second + r.k) * 1000000 <= r.end_us AS full_second
  FROM sec_range r CROSS JOIN generate_series(r.first_s, r.last_s, r.k) AS g(second) LEFT JOIN buckets b ON b.second = g.second
),
agg AS (SELECT ${SCOPE_AGGREGATES} FROM f),
groups AS (${GROUPS_SQL}),
digraphs AS (${DIGRAPHS_SQL}),
${fatigueWidthCte('sc', '$4::int')},
${fatigueCtes('sc', FATIGUE_WIDTH)}
SELECT
  json_build_object(${scopeSummaryPairs('a', 'CASE WHEN sc.has_bounds THEN greatest(0, sc.end_us - sc.start_us) END',
    `(SELECT ${consistencySql('s.chars')} FROM secs s WHERE s.full_second)`)}) AS summary,
  ${Object.entries({ ...groupsJson('groups'), ...digraphsJson('digraphs') }).map(([k, v]) => `${v} AS "${k}"`).join(',\n  ')},
  ${CONFUSION_JSON} AS confusion,
  (SELECT coalesce(json_agg(json_build_object('second', s.second, 'rawWpm', (s.chars * 12)::float8 / s.k, 'productiveWpm', (s.correct * 12)::float8 / s.k, 'errors', s.errors)
     ORDER BY s.second), '[]') FROM secs s) AS series,
  ${FATIGUE_COLUMNS},
  (SELECT committed_seq FROM typing_sessions WHERE id = $1) AS source_seq,
  (SELECT event_count FROM typing_sessions WHERE id = $1) AS source_events
FROM agg a CROSS JOIN sc`;
