import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { exitCodeFor } from './exit-codes.ts';
import type { LoadReport } from './run-load.ts';
import { evaluateThresholds, parseThreshold, parseThresholdFile } from './thresholds.ts';

const report = (over: Partial<LoadReport> = {}) => ({
  ackLatencyMs: { p50: 40, p90: 120, p99: 300, max: 900 }, errorRate: 0.002, errorsByCode: { CONNECT_ECONNREFUSED: 2 }, lost: 0, duplicates: 0,
  unacked: 0, eventsPerSec: 1000, reconnects: 1, generator: { cpuPercent: 30, eventLoopDelayMs: { p50: 0, p99: 2, max: 5 }, warnings: [] }, acked: 1000, ...over,
}) as LoadReport;

test('thresholds read like k6: a metric, a comparison, a value (errors as a percentage)', () => {
  assert.equal(parseThreshold('ack_p99<250'), { text: 'ack_p99<250', metric: 'ack_p99', op: '<', value: 250 });
  assert.equal(parseThreshold(' errors < 0.1% '), { text: 'errors < 0.1%', metric: 'errors', op: '<', value: 0.001 });
  assert.throws(() => parseThreshold('p99<250'), /unknown metric p99/);
  assert.throws(() => parseThreshold('ack_p99<fast'), /write METRIC<VALUE/);
  assert.throws(() => parseThreshold('ack_p99<5%'), /only errors takes a percentage/);
});

test('a slow p99 or too many errors fails the run (exit 1) even with no loss', () => {
  const results = evaluateThresholds(['ack_p99<250', 'errors<0.1%', 'lost==0', 'events_per_sec>=500'].map(parseThreshold), report());
  assert.equal(results.map((r) => [r.threshold, r.ok]), [['ack_p99<250', false], ['errors<0.1%', false], ['lost==0', true], ['events_per_sec>=500', true]]);
  assert.is(exitCodeFor({ ...report(), thresholds: results }), 1);
  assert.is(exitCodeFor({ ...report(), thresholds: results.filter((r) => r.ok) }), 0);
});

test('exit codes: loss is 1, not verified is 3, and a threshold on an unverified figure fails', () => {
  assert.is(exitCodeFor({ ...report({ lost: 3 }), thresholds: [] }), 1);
  assert.is(exitCodeFor({ ...report({ duplicates: 1 }), thresholds: [] }), 1);
  assert.is(exitCodeFor({ ...report({ lost: null, duplicates: null }), thresholds: [] }), 3);
  assert.is(exitCodeFor({ ...report({ acked: 0 }), thresholds: [] }), 1, 'nothing got through');
  const unverified = evaluateThresholds([parseThreshold('lost==0')], report({ lost: null }));
  assert.is(unverified[0]!.ok, false);
});

test('a thresholds file: a JSON array, an object, or one a line with comments', () => {
  assert.is(parseThresholdFile('["ack_p99<250","errors<1%"]').length, 2);
  assert.is(parseThresholdFile('{"thresholds":["lost==0"]}')[0]!.metric, 'lost');
  assert.is(parseThresholdFile('# CI gates\nack_p99<250\n\nerrors<0.1%\n').length, 2);
  assert.throws(() => parseThresholdFile('{"thresholds":[1]}'), /array of strings/);
});

test.run();
