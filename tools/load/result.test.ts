import * as hdr from 'hdr-histogram-js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generatorWarnings } from './generator-health.ts';
import { mergeResults, type LoadResult } from './result.ts';

function result(latencies: number[], over: Partial<LoadResult> = {}): LoadResult {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000, numberOfSignificantValueDigits: 3 });
  for (const v of latencies) h.recordValue(v);
  return {
    transport: 'ws', clients: 10, sessionsStarted: 10, sent: latencies.length, acked: latencies.length, unacked: 0, stored: latencies.length, lost: 0, duplicates: 0,
    verification: { method: 'api' }, eventsPerSec: 0, ackLatencyMs: { p50: h.getValueAtPercentile(50), p90: 0, p99: h.getValueAtPercentile(99), max: h.maxValue },
    ackLatencyHistogram: hdr.encodeIntoCompressedBase64(h), errorsByCode: { CONNECT_ECONNREFUSED: 1 }, errorRate: 0, reconnects: 2, serverRssMB: null,
    generator: { cpuPercent: 20, eventLoopDelayMs: { p50: 0, p99: 1, max: 3 }, warnings: [] }, droppedArrivals: 0, startedAt: '2026-01-01T00:00:00.000Z',
    timeline: [{ second: 1, connected: 10, eventsPerSec: latencies.length, ackP50Ms: 1, ackP99Ms: 2, ackMaxMs: 3, errors: 1, generatorDelayMaxMs: 0, generatorCpuPercent: 20 }],
    seconds: 10, completedSessions: 10, tool: { name: 'fingerflow-load', version: '0.1.0' }, serverVersion: '0.1.0', settings: {} as LoadResult['settings'],
    generators: [{ cpuPercent: 20, eventLoopDelayMs: { p50: 0, p99: 1, max: 3 }, warnings: [] }], thresholds: [], ...over,
  };
}

test('merged results add the histograms: percentiles are those of all acks together, not averages', () => {
  const fast = Array.from({ length: 990 }, () => 10);
  const slow = Array.from({ length: 10 }, () => 1000);
  const merged = mergeResults([result(fast), result(slow, { startedAt: '2026-01-01T00:00:01.000Z', generators: [{ cpuPercent: 90, eventLoopDelayMs: { p50: 0, p99: 60, max: 80 }, warnings: ['busy'] }] })]);
  assert.is(merged.acked, 1000);
  assert.is(merged.clients, 20);
  assert.is(merged.ackLatencyMs.p50, 10);
  assert.ok(merged.ackLatencyMs.p99 >= 10 && merged.ackLatencyMs.max >= 1000 && merged.ackLatencyMs.max < 1001);
  assert.is(hdr.decodeFromCompressedBase64(merged.ackLatencyHistogram).totalCount, 1000);
  assert.equal(merged.errorsByCode, { CONNECT_ECONNREFUSED: 2 });
  assert.is(merged.generators.length, 2);
  assert.is(merged.generator.cpuPercent, 90, 'the busiest generator is the one shown');
  assert.equal(merged.generator.warnings, ['busy']);
  assert.equal(merged.timeline.map((p) => [p.second, p.eventsPerSec]), [[1, 990], [2, 10]], 'timelines aligned on the wall clock');
  assert.is(merged.seconds, 11);
});

test('one generator that could not verify makes the merged result unverified', () => {
  const merged = mergeResults([result([5]), result([5], { stored: null, lost: null, duplicates: null, verification: { method: 'api', error: 'timeout' } })]);
  assert.is(merged.lost, null);
  assert.is(merged.verification.error, 'timeout');
});

test('the generator is flagged when it, not the server, may limit the run', () => {
  assert.equal(generatorWarnings(20, { p99: 2, max: 20 }, 100), []);
  assert.match(generatorWarnings(95, { p99: 2, max: 20 }, 100).join(), /95% of a core/);
  assert.match(generatorWarnings(20, { p99: 40, max: 60 }, 100).join(), /40 ms late at p99/);
  assert.match(generatorWarnings(20, { p99: 2, max: 587 }, 100).join(), /stalled for 587 ms/);
});

test.run();
