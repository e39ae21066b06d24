import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chartSeries } from './chart-series.ts';

const point = (second: number, raw: number, net: number, errors = 0) => ({ second, rawWpm: raw, productiveWpm: net, errors });

test('no phantom second: seconds after the last keystroke are not drawn as a fall to 0', () => {
  const out = chartSeries([point(0, 60, 60), point(1, 72, 60), point(2, 0, 0)], 2.1);
  assert.equal(out.map((p) => p.second), [1, 2]);
});

test('net speed is the running average; raw is per second', () => {
  const out = chartSeries([point(0, 60, 60), point(1, 120, 120, 1)], 2);
  assert.equal(out.map((p) => [p.raw, p.net, p.errors]), [[60, 60, 0], [120, 90, 1]]);
});

test('a last second filled in part is scaled by the part it lasted, never by less than half', () => {
  assert.equal(chartSeries([point(0, 60, 60), point(1, 36, 36)], 1.6).map((p) => Math.round(p.raw)), [60, 60]);
  assert.equal(chartSeries([point(0, 60, 60), point(1, 12, 12)], 1.1).map((p) => Math.round(p.raw)), [60, 24]);
});

test('empty', () => {
  assert.equal(chartSeries([], null), []);
});

test.run();
