import { SCOPE_AGGREGATES, scopeSummaryPairs, speedSql } from './summary-sql.ts';
import { consistencySql } from './timing-sql.ts';
import { MAX_FATIGUE_WINDOWS } from '../../../shared/metrics/fatigue.ts';

/**
 * Fatigue in SQL (shared/metrics/fatigue.ts): full windows of `windowSec` from the scope's
 * start over the keydowns `f`, each summarised like a scope, then regr_slope of speed and
 * dwell against minutes, and the last window against the first. `sc` is the scope relation
 * (has_bounds, start_us, end_us).
 */
export function fatigueCtes(sc: string, windowSec: string): string {
  const width = `(${windowSec} * 1000000::bigint)`;
  const speed = speedSql('a', 'a.hi - a.lo');
  return `
fw AS (
  SELECT k, sc.start_us + k * ${width} AS lo, sc.start_us + (k + 1) * ${width} AS hi
  FROM ${sc} sc CROSS JOIN generate_series(0, CASE WHEN sc.has_bounds AND sc.end_us > sc.start_us THEN (sc.end_us - sc.start_us) / ${width} ELSE 0 END - 1) AS k
),
fw_f AS (
  SELECT (f.offset_us - sc.start_us) / ${width} AS k, f.* FROM f CROSS JOIN ${sc} sc WHERE f.offset_us >= sc.start_us
),
fw_agg AS (
  SELECT fw.k, fw.lo, fw.hi, ${SCOPE_AGGREGATES}
  FROM fw LEFT JOIN fw_f f ON f.k = fw.k GROUP BY fw.k, fw.lo, fw.hi
),
-- The seconds lying wholly inside each window, with their character keystrokes.
fw_secs AS (
  SELECT fw.k, g.second, count(f.offset_us) AS chars
  FROM fw CROSS JOIN generate_series((fw.lo + 999999) / 1000000, fw.hi / 1000000 - 1) AS g(second)
  LEFT JOIN f ON f.is_char AND f.offset_us / 1000000 = g.second
  GROUP BY fw.k, g.second
),
fw_cons AS (SELECT s.k, ${consistencySql('s.chars')} AS speed_consistency FROM fw_secs s GROUP BY s.k),
fw_rows AS (
  SELECT a.k, (a.k * ${windowSec})::float8 / 60 AS minutes, ${speed.rawWpm} AS raw_wpm, ${speed.productiveWpm} AS productive_wpm,
         a.dwell_mean_ms,
         json_build_object('index', a.k, 'fromSec', a.lo::float8 / 1000000, 'toSec', a.hi::float8 / 1000000,
           ${scopeSummaryPairs('a', 'a.hi - a.lo', 'c.speed_consistency')}) AS figures
  FROM fw_agg a LEFT JOIN fw_cons c ON c.k = a.k
)`;
}

/**
 * `fw_sec`: the window width in seconds actually used, effectiveWindowSec in SQL: the one
 * asked for, widened so that the scope holds at most MAX_FATIGUE_WINDOWS windows.
 */
export function fatigueWidthCte(sc: string, requestedSec: string): string {
  const perWindowUs = MAX_FATIGUE_WINDOWS * 1_000_000;
  return `fw_sec AS (
  SELECT CASE WHEN sc.has_bounds AND sc.end_us > sc.start_us
              THEN greatest(${requestedSec}, ((sc.end_us - sc.start_us + ${perWindowUs - 1}) / ${perWindowUs})::int)
              ELSE ${requestedSec} END AS sec
  FROM ${sc} sc
)`;
}

/** The width fatigueWidthCte chose, as a scalar expression. */
export const FATIGUE_WIDTH = '(SELECT sec FROM fw_sec)';

function changeSql(column: string): string {
  const first = `CASE WHEN count(*) >= 2 THEN (array_agg(r.${column} ORDER BY r.k))[1] END`;
  const last = `CASE WHEN count(*) >= 2 THEN (array_agg(r.${column} ORDER BY r.k DESC))[1] END`;
  return `json_build_object('first', ${first}, 'last', ${last}, 'delta', ${last} - ${first}, 'percent', (${last} - ${first}) / nullif(${first}, 0) * 100)`;
}

/** The `fatigue` column: a FatigueFigures object (windowSec from fw_sec). */
export const FATIGUE_COLUMNS = `(
  SELECT json_build_object(
    'windowSec', ${FATIGUE_WIDTH},
    'windows', coalesce(json_agg(r.figures ORDER BY r.k), '[]'),
    'slopes', json_build_object('rawWpmPerMin', regr_slope(r.raw_wpm, r.minutes), 'productiveWpmPerMin', regr_slope(r.productive_wpm, r.minutes),
      'dwellMeanMsPerMin', regr_slope(r.dwell_mean_ms, r.minutes)),
    'change', json_build_object('rawWpm', ${changeSql('raw_wpm')}, 'productiveWpm', ${changeSql('productive_wpm')}, 'dwellMeanMs', ${changeSql('dwell_mean_ms')}))
  FROM fw_rows r) AS fatigue`;
