/**
 * SQL for TimingStats and consistency, matching shared/metrics/stats.ts and consistency.ts:
 * percentile_cont (linear interpolation), stddev_pop, avg; microseconds in, milliseconds
 * out. Aggregates over bigint are exact (numeric) and cast to float8 once, at the end.
 */

/** A TimingStats JSON object over the non-null values of a bigint microsecond expression. */
export function timingJson(us: string): string {
  const f8 = `(${us})::float8`;
  return `json_build_object(
    'count', count(${us}),
    'meanMs', (avg(${us}) / 1000)::float8,
    'medianMs', percentile_cont(0.5) WITHIN GROUP (ORDER BY ${f8}) / 1000,
    'p10Ms', percentile_cont(0.1) WITHIN GROUP (ORDER BY ${f8}) / 1000,
    'p90Ms', percentile_cont(0.9) WITHIN GROUP (ORDER BY ${f8}) / 1000,
    'sdMs', (stddev_pop(${us}) / 1000)::float8)`;
}

/** 100 * (1 - tanh(c + c^3/3 + c^5/5)) of a float8 expression c. */
export function consistencyOfVariationSql(c: string): string {
  return `(100 * (1 - tanh((${c}) + power((${c}), 3) / 3 + power((${c}), 5) / 5)))`;
}

/** Consistency of the non-null values of an expression: null under two values or a zero mean. */
export function consistencySql(x: string): string {
  return `CASE WHEN count(${x}) >= 2 AND avg(${x}) <> 0 THEN ${consistencyOfVariationSql(`(stddev_pop(${x}) / avg(${x}))::float8`)} END`;
}

/** a / b as float8, null when b is 0 (stats.ts ratio). */
export function ratioSql(a: string, b: string): string {
  return `((${a})::float8 / nullif(${b}, 0))`;
}
