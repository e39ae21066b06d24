import { deriveFactsCtes } from '../sql/derive-sql.ts';
import { MAX_SERIES_POINTS } from '../../../shared/metrics/series.ts';
import { SCOPE_AGGREGATES, scopeSummaryPairs } from '../sql/summary-sql.ts';
import { consistencySql } from '../sql/timing-sql.ts';

/**
 * Rebuilding the analytics cache of the sessions in $1 (uuid[]): the old rows go, then one
 * statement derives every keydown once (derive-sql.ts) and writes all the per-session
 * tables from it. Run in one REPEATABLE READ transaction, so the stamp (committed_seq,
 * event_count) and the keystrokes read belong to the same moment.
 */

// session_analytics is not cleared: it carries its own stamp, and may be newer than the rest.
const CACHE_TABLES = ['session_summaries', 'session_key_timings', 'session_digraphs', 'session_confusion', 'session_letters'];

/** Sessions of $1 whose cache is missing or older than their stored events. */
export const STALE_SQL = `
  SELECT t.id FROM typing_sessions t LEFT JOIN session_summaries s ON s.session_id = t.id
  WHERE t.id = ANY($1::uuid[]) AND (s.session_id IS NULL OR s.source_seq <> t.committed_seq OR s.source_events <> t.event_count)
  ORDER BY t.id`;

export const CLEAR_SQL = CACHE_TABLES.map((table) => `DELETE FROM ${table} WHERE session_id = ANY($1::uuid[])`);

const floats = (column: string) => `coalesce(array_agg(${column}::float8) FILTER (WHERE ${column} IS NOT NULL), '{}')`;

export const REBUILD_SQL = `
WITH ${deriveFactsCtes((id) => `${id} = ANY($1::uuid[])`)},
bounds AS (
  SELECT session_id, min(offset_us) FILTER (WHERE NOT is_repeat) AS start_us,
         max(coalesce(up_us, offset_us)) FILTER (WHERE NOT is_repeat) AS end_us
  FROM facts GROUP BY session_id
),
ss AS (
  SELECT t.id AS session_id, t.committed_seq, t.event_count, b.start_us, b.end_us,
         b.start_us / 1000000 AS first_s, (b.end_us + 999999) / 1000000 - 1 AS last_s,
         greatest(1, ((b.end_us + 999999) / 1000000 - b.start_us / 1000000 + ${MAX_SERIES_POINTS - 1}) / ${MAX_SERIES_POINTS}) AS k
  FROM typing_sessions t LEFT JOIN bounds b ON b.session_id = t.id WHERE t.id = ANY($1::uuid[])
),
-- Seconds of the session clock (k of them per point past MAX_SERIES_POINTS); the last one
-- is closed at end_us (series.ts).
buckets AS (
  SELECT f.session_id, ss.first_s + (least(f.offset_us / 1000000, ss.last_s) - ss.first_s) / ss.k * ss.k AS second, count(*) AS chars
  FROM facts f JOIN ss USING (session_id) WHERE f.is_char GROUP BY 1, 2
),
full_seconds AS (
  SELECT ss.session_id, array_agg(coalesce(bk.chars, 0)::int ORDER BY g.second) AS chars
  FROM ss CROSS JOIN LATERAL generate_series(ss.first_s, ss.last_s, ss.k) AS g(second)
  LEFT JOIN buckets bk ON bk.session_id = ss.session_id AND bk.second = g.second
  WHERE g.second * 1000000 >= ss.start_us AND (g.second + ss.k) * 1000000 <= ss.end_us
  GROUP BY ss.session_id
),
agg AS (
  SELECT ss.session_id, ${SCOPE_AGGREGATES}
  FROM ss LEFT JOIN facts f ON f.session_id = ss.session_id GROUP BY ss.session_id
),
-- completion.ts: a timed test lasted its duration less a second; any other reached its last letter.
completion AS (
  SELECT ss.session_id,
         CASE WHEN t.mode = 'timed' THEN coalesce(ss.end_us - ss.start_us >= (CASE WHEN t.config->>'duration' ~ '^[0-9]{1,9}$' THEN (t.config->>'duration')::bigint END - 1) * 1000000, false)
              ELSE char_length(t.practice_text) > 0 AND coalesce(r.reached, -1) >= char_length(t.practice_text) - 1 END AS complete
  FROM ss JOIN typing_sessions t ON t.id = ss.session_id
  LEFT JOIN (SELECT session_id, max(text_pos) AS reached FROM facts WHERE addressing GROUP BY session_id) r ON r.session_id = ss.session_id
),
summaries AS (
  INSERT INTO session_summaries (session_id, source_seq, source_events, start_us, end_us, full_second_chars, summary, complete)
  SELECT ss.session_id, ss.committed_seq, ss.event_count, ss.start_us, ss.end_us, coalesce(fs.chars, '{}'),
         json_build_object(${scopeSummaryPairs('a', 'ss.end_us - ss.start_us', `(SELECT ${consistencySql('x')} FROM unnest(fs.chars) AS x)`)}),
         c.complete
  FROM ss JOIN agg a ON a.session_id = ss.session_id LEFT JOIN full_seconds fs ON fs.session_id = ss.session_id
  JOIN completion c ON c.session_id = ss.session_id
  RETURNING 1
),
key_timings AS (
  INSERT INTO session_key_timings (session_id, key_code, finger, presses, character_keystrokes, errors, dwell_us, flight_us, transition_us)
  SELECT session_id, key_code, finger, count(*), count(*) FILTER (WHERE is_char), count(*) FILTER (WHERE is_char AND is_error),
         ${floats('dwell_us')}, ${floats('flight_us')}, ${floats('transition_us')}
  FROM facts WHERE NOT is_repeat GROUP BY session_id, key_code, finger
  RETURNING 1
),
digraphs AS (
  INSERT INTO session_digraphs (session_id, digraph, pair_class, occurrences, errors, transition_us)
  SELECT session_id, digraph, pair_class, count(*), count(*) FILTER (WHERE is_error), ${floats('transition_us')}
  FROM facts WHERE digraph IS NOT NULL GROUP BY session_id, digraph, pair_class
  RETURNING 1
),
confusion AS (
  INSERT INTO session_confusion (session_id, expected, typed, count)
  SELECT session_id, expected, key_value, count(*)
  FROM facts WHERE is_char AND is_error AND expected IS NOT NULL GROUP BY session_id, expected, key_value
  RETURNING 1
),
-- learning.ts sessionLetterSamples
letters AS (
  INSERT INTO session_letters (session_id, letter, hits, misses, time_sum_us, time_count)
  SELECT session_id, letter, count(*) FILTER (WHERE NOT is_error), count(*) FILTER (WHERE is_error),
         coalesce(sum(transition_us) FILTER (WHERE NOT is_error), 0), count(transition_us) FILTER (WHERE NOT is_error)
  FROM facts WHERE is_char AND letter IS NOT NULL GROUP BY session_id, letter
  RETURNING 1
)
SELECT (SELECT count(*) FROM summaries) AS sessions, (SELECT count(*) FROM key_timings) AS keys,
       (SELECT count(*) FROM digraphs) AS digraphs, (SELECT count(*) FROM confusion) AS confusion, (SELECT count(*) FROM letters) AS letters`;
