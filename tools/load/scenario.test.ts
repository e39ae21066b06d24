import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseStages, rampAndHold, targetAt, totalSeconds } from './scenario.ts';

test('stages ramp linearly from the previous target: up, hold, spike, down', () => {
  const stages = parseStages('10s:100, 20s:100, 1s:500, 9s:500, 10s:0');
  assert.is(totalSeconds({ stages, maxTypists: 500, reconnectStormsAt: [], soak: false }), 50);
  assert.is(targetAt(stages, 0), 0);
  assert.is(targetAt(stages, 5), 50);
  assert.is(targetAt(stages, 20), 100);
  assert.is(targetAt(stages, 30.5), 300);
  assert.is(targetAt(stages, 35), 500);
  assert.is(targetAt(stages, 45), 250);
  assert.is(targetAt(stages, 50), 0, 'after the last stage');
});

test('minutes and hours; a bad stage is a clear error', () => {
  assert.equal(parseStages('2m:10,1h:10'), [{ durationSec: 120, target: 10 }, { durationSec: 3600, target: 10 }]);
  assert.throws(() => parseStages('10:abc'), /"10:abc" is not DURATION:TYPISTS/);
  assert.throws(() => parseStages(''), /no stage/);
});

test('without a ramp-up every typist starts at once', () => {
  const stages = rampAndHold(20, 0, 5);
  assert.is(targetAt(stages, 0), 20);
  assert.is(targetAt(stages, 4.9), 20);
  assert.is(targetAt(rampAndHold(20, 10, 5), 5), 10);
});

test.run();
