/**
 * TimingStats pooled over many sessions, exactly (stats.ts: percentile_cont, stddev_pop),
 * without sorting the values once per level. Sorting every value four times (per key, per
 * finger, per hand, overall) was most of a range's time; instead the values are sorted once
 * per finest group (a key, a letter pair), and a coarser group's order statistics are
 * *selected* from its members' sorted arrays:
 *
 * 1. every step-th value of each member (and its last) is a sample; `width_bucket(x, sorted)`
 *    counts a member's values <= x by binary search, so each sample's rank in the group is
 *    a sum over the members;
 * 2. the value of rank r lies between the two consecutive samples whose ranks straddle
 *    r + 1; only the values between them (at most a step per member) are sorted to pick it.
 *
 * Counts, means and variances combine exactly: n = sum n_i, mean = sum n_i m_i / n,
 * var = sum n_i (var_i + (m_i - mean)^2) / n.
 */

const FRACTIONS = [0.1, 0.5, 0.9] as const;

export interface PooledLevel {
  name: string;
  /** The group of a base row at this level, as text (an expression over `base`'s columns). */
  group: string;
}

/**
 * CTEs ending in `pooled(level, grp, stats json)`, one row per group of each level.
 * `base` must already be defined with columns for the level expressions and
 * `arr float8[]` (sorted, NULL when empty), `n`, `mean`, `var` (population).
 */
export function pooledTimingCtes(levels: readonly PooledLevel[]): string {
  const members = levels.map((l) => `SELECT '${l.name}'::text AS level, (${l.group})::text AS grp, arr, n, mean, var FROM base`).join('\n    UNION ALL ');
  const ranks = FRACTIONS.flatMap((f) => [`floor(${f}::float8 * (g.n - 1))`, `ceil(${f}::float8 * (g.n - 1))`]).join(', ');
  return `
  members AS (
    ${members}
  ),
  groups AS (
    SELECT level, grp, sum(n)::bigint AS n, sum(n * mean) / nullif(sum(n), 0) AS mean, count(*) FILTER (WHERE n > 0) AS parts
    FROM members GROUP BY level, grp
  ),
  -- Groups of several members need selecting; a group of one (a key, most letter pairs)
  -- has its values sorted already.
  -- Sampling every \`step\` values: ranking the samples costs n/step * parts binary searches,
  -- sorting the values around each of the 6 ranks costs about 6 * step; step = sqrt(n * parts
  -- / 6) balances the two.
  merged AS (
    SELECT m.*, greatest(8, ceil(sqrt(g.n::float8 * g.parts / 6)))::int AS step
    FROM members m JOIN groups g ON g.level = m.level AND g.grp = m.grp WHERE g.parts > 1 AND m.n > 0
  ),
  spread AS (
    SELECT m.level, m.grp, sum(m.n * (m.var + (m.mean - g.mean) ^ 2)) / g.n AS var
    FROM members m JOIN groups g ON g.level = m.level AND g.grp = m.grp WHERE m.n > 0 GROUP BY m.level, m.grp, g.n
  ),
  samples AS (
    SELECT DISTINCT m.level, m.grp, m.arr[i] AS s
    FROM merged m CROSS JOIN LATERAL (SELECT generate_series(1, m.n::int, m.step) UNION ALL SELECT m.n::int) AS idx(i)
  ),
  -- Materialised so the binary searches run in the join and only their counts travel on:
  -- grouping the join's rows would otherwise sort each member's whole array along.
  counted AS MATERIALIZED (
    SELECT s.level, s.grp, s.s, width_bucket(s.s, m.arr) AS le
    FROM samples s JOIN merged m ON m.level = s.level AND m.grp = s.grp
  ),
  ranked AS (SELECT level, grp, s, sum(le) AS le FROM counted GROUP BY level, grp, s),
  steps AS (
    SELECT level, grp, s, le, lag(s) OVER w AS prev_s, coalesce(lag(le) OVER w, 0) AS prev_le
    FROM ranked WINDOW w AS (PARTITION BY level, grp ORDER BY s)
  ),
  -- Ranks as stats.ts computes them, in float8: f * (n - 1), its floor and its ceiling.
  targets AS (
    SELECT DISTINCT g.level, g.grp, r.r FROM groups g CROSS JOIN LATERAL unnest(ARRAY[${ranks}]::bigint[]) AS r(r) WHERE g.n > 0
  ),
  -- Materialised, as \`counted\`: planned blind (the cache tables may have no statistics yet),
  -- the join to the members could otherwise be done first and drag every array through it.
  brackets AS MATERIALIZED (
    SELECT t.level, t.grp, t.r, st.prev_s, st.s, t.r + 1 - st.prev_le AS k
    FROM targets t JOIN steps st ON st.level = t.level AND st.grp = t.grp AND st.prev_le < t.r + 1 AND t.r + 1 <= st.le
  ),
  -- Per bracket, the few values between its two samples, in a bounded sort (top k).
  picked AS (
    SELECT b.level, b.grp, b.r, c.v FROM brackets b CROSS JOIN LATERAL (
      SELECT v FROM merged m
      CROSS JOIN LATERAL unnest(m.arr[coalesce(width_bucket(b.prev_s, m.arr), 0) + 1 : width_bucket(b.s, m.arr)]) AS v
      WHERE m.level = b.level AND m.grp = b.grp
      ORDER BY v OFFSET b.k - 1 LIMIT 1
    ) c
    UNION ALL
    SELECT t.level, t.grp, t.r, m.arr[t.r + 1]
    FROM targets t JOIN groups g ON g.level = t.level AND g.grp = t.grp AND g.parts = 1
    JOIN members m ON m.level = t.level AND m.grp = t.grp AND m.n > 0
  ),
  percentiles AS (
    SELECT p.level, p.grp, p.f, CASE WHEN p.hi = p.lo THEN a.v ELSE a.v + (b.v - a.v) * (p.rank - p.lo) END AS value
    FROM (
      SELECT g.level, g.grp, f.f, f.f * (g.n - 1) AS rank, floor(f.f * (g.n - 1))::bigint AS lo, ceil(f.f * (g.n - 1))::bigint AS hi
      FROM groups g CROSS JOIN (VALUES ${FRACTIONS.map((f) => `(${f}::float8)`).join(', ')}) AS f(f) WHERE g.n > 0
    ) p
    JOIN picked a ON a.level = p.level AND a.grp = p.grp AND a.r = p.lo
    JOIN picked b ON b.level = p.level AND b.grp = p.grp AND b.r = p.hi
  ),
  pooled AS (
    SELECT g.level, g.grp, json_build_object(
      'count', g.n, 'meanMs', g.mean / 1000,
      'medianMs', (SELECT value FROM percentiles p WHERE p.level = g.level AND p.grp = g.grp AND p.f = 0.5) / 1000,
      'p10Ms', (SELECT value FROM percentiles p WHERE p.level = g.level AND p.grp = g.grp AND p.f = 0.1) / 1000,
      'p90Ms', (SELECT value FROM percentiles p WHERE p.level = g.level AND p.grp = g.grp AND p.f = 0.9) / 1000,
      'sdMs', sqrt(s.var) / 1000) AS stats,
      g.n, g.mean, s.var
    FROM groups g LEFT JOIN spread s ON s.level = g.level AND s.grp = g.grp
  )`;
}

/**
 * The `base` CTE for one timing array column: per finest group, every value of the range
 * sorted, with count, mean and population variance (the rows arrive sorted by group, so
 * the grouping sorts only the values).
 */
export function baseCte(table: string, groupColumns: readonly string[], arrayColumn: string): string {
  const cols = groupColumns.join(', ');
  return `
  base AS (
    SELECT ${groupColumns.map((c) => `g.${c}`).join(', ')}, array_agg(v ORDER BY v) FILTER (WHERE v IS NOT NULL) AS arr,
           count(v) AS n, avg(v) AS mean, var_pop(v) AS var
    FROM (SELECT ${cols}, ${arrayColumn} AS vs FROM ${table} WHERE session_id = ANY($1::uuid[]) ORDER BY ${cols}) g
    LEFT JOIN LATERAL unnest(g.vs) AS v ON true
    GROUP BY ${groupColumns.map((c) => `g.${c}`).join(', ')}
  )`;
}
