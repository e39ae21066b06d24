import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { consistencyOf, consistencyOfVariation } from './consistency.ts';
import { mean, percentileCont, ratio, sdPop, slope, timingStats } from './stats.ts';

test('percentiles interpolate between the two nearest ranks, as percentile_cont does', () => {
  const sorted = [1, 2, 3, 4];
  assert.is(percentileCont(sorted, 0.5), 2.5);
  assert.ok(Math.abs(percentileCont(sorted, 0.1)! - 1.3) < 1e-12);
  assert.ok(Math.abs(percentileCont(sorted, 0.9)! - 3.7) < 1e-12);
  assert.is(percentileCont([7], 0.9), 7);
  assert.is(percentileCont([], 0.5), null);
});

test('standard deviation is the population one; nothing is null, one value is 0', () => {
  assert.is(sdPop([2, 4, 4, 4, 5, 5, 7, 9]), 2);
  assert.is(sdPop([5]), 0);
  assert.is(sdPop([]), null);
  assert.is(mean([]), null);
  assert.is(ratio(1, 0), null);
});

test('timing statistics are reported in milliseconds from microseconds', () => {
  assert.equal(timingStats([100_000, 300_000]), { count: 2, meanMs: 200, medianMs: 200, p10Ms: 120, p90Ms: 280, sdMs: 100 });
  assert.equal(timingStats([]), { count: 0, meanMs: null, medianMs: null, p10Ms: null, p90Ms: null, sdMs: null });
});

test('least-squares slope', () => {
  assert.is(slope([[0, 1], [1, 3], [2, 5]]), 2);
  assert.is(slope([[0, 1]]), null);
  assert.is(slope([[1, 1], [1, 2]]), null);
});

test('consistency: 100 when even, falling with the coefficient of variation', () => {
  assert.is(consistencyOfVariation(0), 100);
  assert.ok(Math.abs(consistencyOfVariation(0.5) - 50.1042832075367) < 1e-9);
  assert.is(consistencyOf([60, 60, 60]), 100);
  assert.ok(Math.abs(consistencyOf([40, 80])! - consistencyOfVariation(20 / 60)) < 1e-12);
  assert.is(consistencyOf([60]), null, 'one value has no spread to speak of');
  assert.is(consistencyOf([0, 0]), null, 'no mean, no coefficient of variation');
});

test.run();
