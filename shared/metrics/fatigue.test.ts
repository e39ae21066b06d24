import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { sessionReport } from './reports.ts';
import { down, stream, up } from './testing/events.ts';

// 25 s of typing: 5 keys a second for 10 s, then 4 a second; dwell 50 ms, then 80 ms.
function slowingDown() {
  const specs = [];
  let t = 0;
  for (let i = 0; t < 25_000; i++) {
    const fast = t < 10_000;
    specs.push(down('KeyA', 'a', t, { textPos: i }), up('KeyA', t + (fast ? 50 : 80)));
    t += fast ? 200 : 250;
  }
  return stream(specs);
}

test('fatigue: full windows only, slopes per minute, last window against the first', () => {
  const r = sessionReport({ sessionId: 's', practiceText: 'a'.repeat(200), events: slowingDown() }, { fatigueWindowSec: 10 });
  const f = r.fatigue;
  assert.equal(f.windows.map((w) => [w.index, w.fromSec, w.toSec]), [[0, 0, 10], [1, 10, 20]], 'the 5 s tail is left out');
  assert.equal(f.windows.map((w) => w.speed.rawWpm), [60, 48]);
  assert.equal(f.windows.map((w) => w.dwell.meanMs), [50, 80]);
  assert.ok(Math.abs(f.slopes.rawWpmPerMin! - (48 - 60) / (10 / 60)) < 1e-9, 'windows are 1/6 minute apart');
  assert.equal(f.change.rawWpm, { first: 60, last: 48, delta: -12, percent: -20 });
  assert.equal(f.windows.map((w) => w.consistency.speed), [100, 100], 'even typing within each window');
});

test('a window of the session: its keydowns, their timings from the whole session', () => {
  const r = sessionReport({ sessionId: 's', practiceText: 'a'.repeat(200), events: slowingDown() }, { fromUs: 10_000_000, toUs: 20_000_000, fatigueWindowSec: 5 });
  assert.is(r.summary.durationMs, 10_000);
  assert.is(r.summary.speed.rawWpm, 48);
  assert.is(r.summary.flight.count, 40, 'the first keystroke of the window has a flight from the one before it');
  assert.equal(r.series.map((s) => s.second), [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  assert.equal(r.window, { fromSec: 10, toSec: 20 });
});

test.run();
