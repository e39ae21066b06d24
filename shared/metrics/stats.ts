/**
 * Descriptive statistics defined the way PostgreSQL computes them, so the reference and the
 * SQL agree: percentiles by linear interpolation between the two nearest ranks
 * (percentile_cont), population standard deviation (stddev_pop), and null, never NaN, for
 * an empty input.
 */

/** count, mean, median, p10, p90 and population sd of a set of durations, in milliseconds. */
export interface TimingStats {
  count: number;
  meanMs: number | null;
  medianMs: number | null;
  p10Ms: number | null;
  p90Ms: number | null;
  sdMs: number | null;
}

/** percentile_cont(fraction) over values sorted ascending. */
export function percentileCont(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = fraction * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const first = sorted[lo]!;
  if (hi === lo) return first;
  // float8_lerp in PostgreSQL: lo + (hi - lo) * proportion, in that order.
  return first + (sorted[hi]! - first) * (rank - lo);
}

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Population standard deviation (divides by n): 0 for one value, null for none. */
export function sdPop(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null) return null;
  let squares = 0;
  for (const v of values) squares += (v - m) * (v - m);
  return Math.sqrt(squares / values.length);
}

/** Statistics of durations given in microseconds, reported in milliseconds. */
export function timingStats(valuesUs: readonly number[]): TimingStats {
  const sorted = [...valuesUs].sort((a, b) => a - b);
  const ms = (v: number | null) => (v === null ? null : v / 1000);
  return {
    count: sorted.length,
    meanMs: ms(mean(sorted)),
    medianMs: ms(percentileCont(sorted, 0.5)),
    p10Ms: ms(percentileCont(sorted, 0.1)),
    p90Ms: ms(percentileCont(sorted, 0.9)),
    sdMs: ms(sdPop(sorted)),
  };
}

/** Least-squares slope of y over x (regr_slope); null with fewer than two distinct x. */
export function slope(points: ReadonlyArray<readonly [x: number, y: number]>): number | null {
  if (points.length < 2) return null;
  const mx = mean(points.map(([x]) => x))!;
  const my = mean(points.map(([, y]) => y))!;
  let sxy = 0;
  let sxx = 0;
  for (const [x, y] of points) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) * (x - mx);
  }
  return sxx === 0 ? null : sxy / sxx;
}

/** a / b, or null when b is 0: a ratio of nothing is unknown, not NaN. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}
