import type { CountFigures } from '../../../shared/metrics/analytics-types.ts';
import { handOfFingerSql } from './derive-sql.ts';
import { baseCte, pooledTimingCtes } from './pooled-timing-sql.ts';
import { countPartsSql } from './summary-sql.ts';
import { consistencyOfVariationSql, consistencySql, ratioSql } from './timing-sql.ts';

/**
 * A range pools the sessions in $1 (uuid[]) from their cached summaries (refresh-sql.ts):
 * counts, durations and rollovers add up; timing statistics are over every value of every
 * session (pooled-timing-sql.ts). Each constant is one statement; they are independent and
 * run side by side, and range-query.ts puts their figures together.
 */

const IN_RANGE = 'session_id = ANY($1::uuid[])';
const COUNT_KEYS: readonly (keyof CountFigures)[] = [
  'keystrokes', 'characterKeystrokes', 'correctKeystrokes', 'errorKeystrokes', 'correctCharacters', 'uncorrectedErrors',
  'correctedErrors', 'positionsAttempted', 'positionsFirstTryCorrect', 'autoRepeats', 'modifierPresses', 'backspaces', 'missingKeyups',
  'incorrectCharacters', 'missedCharacters', 'extraCharacters',
];
const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const rollover = (field: string) => `(s.summary->'rollover'->>'${field}')`;

/** Sessions, duration, counts, speed, accuracy, rollover and speed consistency. */
export const RANGE_TOTALS_SQL = `
WITH s AS (SELECT * FROM session_summaries WHERE ${IN_RANGE}),
a AS (
  SELECT count(*) AS sessions,
    ${COUNT_KEYS.map((k) => `coalesce(sum((s.summary->'counts'->>'${k}')::bigint), 0) AS ${snake(k)}`).join(',\n    ')},
    coalesce(sum(${rollover('pairs')}::bigint), 0) AS rollover_pairs,
    coalesce(sum(${rollover('rollovers')}::bigint), 0) AS rollovers,
    sum(${rollover('meanOverlapMs')}::float8 * ${rollover('rollovers')}::float8) / nullif(sum(${rollover('rollovers')}::bigint), 0) AS mean_overlap_ms,
    sum(s.end_us - s.start_us) AS duration_us
  FROM s
)
SELECT a.sessions, ${Object.entries(countPartsSql('a', 'a.duration_us')).map(([k, v]) => `${v} AS "${k}"`).join(',\n  ')},
  (SELECT ${consistencySql('x')} FROM s CROSS JOIN LATERAL unnest(s.full_second_chars) AS x) AS speed_consistency
FROM a`;

/** Presses and errors per key, finger and hand. */
export const RANGE_GROUP_COUNTS_SQL = `
  SELECT CASE GROUPING(k.key_code, k.finger, k.hand) WHEN 3 THEN 'key' WHEN 5 THEN 'finger' ELSE 'hand' END AS level,
         coalesce(k.key_code, k.finger::text, k.hand) AS grp, min(k.finger) AS finger, min(k.hand) AS hand,
         coalesce((SELECT fi.name FROM fingers fi WHERE fi.id = k.finger), 'unknown') AS finger_name,
         sum(k.presses) AS presses, sum(k.character_keystrokes) AS chars, sum(k.errors) AS errors,
         ${ratioSql('sum(k.errors)', 'sum(k.character_keystrokes)')} AS error_rate
  FROM (SELECT *, ${handOfFingerSql('finger')} AS hand FROM session_key_timings WHERE ${IN_RANGE}) k
  GROUP BY GROUPING SETS ((k.key_code), (k.finger), (k.hand))`;

/** One timing (dwell, flight or transition) per key, finger, hand and overall. */
export function rangeTimingSql(column: 'dwell_us' | 'flight_us' | 'transition_us'): string {
  return `
  WITH ${baseCte('session_key_timings', ['key_code', 'finger'], column)},
  ${pooledTimingCtes([
    { name: 'key', group: 'key_code' }, { name: 'finger', group: 'finger' }, { name: 'hand', group: handOfFingerSql('finger') }, { name: 'all', group: "''" },
  ])}
  SELECT level, grp, stats,
         CASE WHEN n >= 2 AND mean <> 0 THEN ${consistencyOfVariationSql('sqrt(var) / mean')} END AS consistency
  FROM pooled`;
}

/** Letter pairs and their classes: occurrences added, transition times pooled; and the confusion table. */
export const RANGE_PAIRS_SQL = `
  WITH ${baseCte('session_digraphs', ['digraph', 'pair_class'], 'transition_us')},
  ${pooledTimingCtes([{ name: 'pair', group: 'digraph' }, { name: 'class', group: 'pair_class' }])},
  by_class AS (
    SELECT digraph, pair_class, sum(occurrences) AS occurrences, sum(errors) AS errors
    FROM session_digraphs WHERE ${IN_RANGE} GROUP BY digraph, pair_class
  ),
  -- A pair's class is the one of most of its occurrences, ties alphabetical (digraphs.ts).
  counts AS (
    SELECT CASE GROUPING(d.digraph, d.pair_class) WHEN 1 THEN 'pair' ELSE 'class' END AS level, coalesce(d.digraph, d.pair_class) AS grp,
           (array_agg(d.pair_class ORDER BY d.occurrences DESC, d.pair_class COLLATE "C"))[1] AS class,
           sum(d.occurrences) AS occurrences, sum(d.errors) AS errors
    FROM by_class d GROUP BY GROUPING SETS ((d.digraph), (d.pair_class))
  )
  SELECT
    (SELECT coalesce(json_agg(json_build_object('pair', c.grp, 'class', c.class, 'count', c.occurrences, 'errors', c.errors,
       'errorRate', ${ratioSql('c.errors', 'c.occurrences')}, 'transition', p.stats)), '[]')
     FROM counts c JOIN pooled p ON p.level = c.level AND p.grp = c.grp WHERE c.level = 'pair') AS digraphs,
    (SELECT coalesce(json_agg(json_build_object('class', c.grp, 'count', c.occurrences, 'errors', c.errors,
       'errorRate', ${ratioSql('c.errors', 'c.occurrences')}, 'transition', p.stats)), '[]')
     FROM counts c JOIN pooled p ON p.level = c.level AND p.grp = c.grp WHERE c.level = 'class') AS "digraphClasses",
    (SELECT coalesce(json_agg(json_build_object('expected', c.expected, 'typed', c.typed, 'count', c.n) ORDER BY c.n DESC, c.expected, c.typed), '[]')
     FROM (SELECT expected, typed, sum(count) AS n FROM session_confusion WHERE ${IN_RANGE} GROUP BY expected, typed) c) AS confusion`;
