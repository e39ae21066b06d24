import { mean, sdPop } from './stats.ts';

/**
 * Monkeytype's consistency: 100 * (1 - tanh(c + c^3/3 + c^5/5)) for a coefficient of
 * variation c. 100 is perfectly even; it falls towards 0 as the spread reaches the mean.
 */
export function consistencyOfVariation(c: number): number {
  return 100 * (1 - Math.tanh(c + c ** 3 / 3 + c ** 5 / 5));
}

/**
 * Consistency of a series (per-second speeds, or transition times). Null with fewer than
 * two values or a mean of zero, where the coefficient of variation does not exist.
 */
export function consistencyOf(values: readonly number[]): number | null {
  if (values.length < 2) return null;
  const m = mean(values)!;
  if (m === 0) return null;
  return consistencyOfVariation(sdPop(values)! / m);
}
