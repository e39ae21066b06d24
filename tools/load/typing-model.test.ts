import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Random } from './random.ts';
import { TypistScript } from './typing-model.ts';

/** Aggregate figures of 200 simulated typists over a minute each. */
function population() {
  const rng = new Random(42);
  let events = 0, downs = 0, pairs = 0, rollovers = 0, errors = 0, backspaces = 0;
  const holds: number[] = [];
  for (let c = 0; c < 200; c++) {
    const stream = new TypistScript(rng.fork()).take(60_000);
    events += stream.length;
    for (let i = 1; i < stream.length; i++) assert.ok(stream[i]!.offsetUs >= stream[i - 1]!.offsetUs, 'events out of time order');
    const typed: Array<{ down: number; up?: number }> = [];
    const open = new Map<string, { down: number; up?: number }>();
    for (const e of stream) {
      assert.ok(Number.isInteger(e.offsetUs) && e.offsetUs >= 0);
      if (e.key === 'Shift') continue;
      if (e.type === 0) {
        const k = { down: e.offsetUs };
        typed.push(k);
        open.set(e.code, k);
        downs++;
        if (e.isError) errors++;
        if (e.key === 'Backspace') backspaces++;
      } else {
        const k = open.get(e.code);
        if (k) {
          k.up = e.offsetUs;
          holds.push((e.offsetUs - k.down) / 1000);
          open.delete(e.code);
        }
      }
    }
    for (let i = 1; i < typed.length; i++) {
      if (typed[i - 1]!.up === undefined) continue;
      pairs++;
      if (typed[i]!.down < typed[i - 1]!.up!) rollovers++;
    }
  }
  holds.sort((a, b) => a - b);
  return { eventsPerSec: events / 200 / 60, rollover: rollovers / pairs, errorShare: errors / downs, backspaceShare: backspaces / downs, holdMedian: holds[Math.floor(holds.length / 2)]! };
}

test('simulated typists match the public figures of real typing (REFERENCE.md section 5)', () => {
  const p = population();
  assert.ok(p.eventsPerSec > 6 && p.eventsPerSec < 12, `events/s ${p.eventsPerSec}`);
  assert.ok(p.rollover > 0.15 && p.rollover < 0.4, `rollover ${p.rollover}`);
  assert.ok(p.holdMedian > 80 && p.holdMedian < 120, `hold median ${p.holdMedian}`);
  assert.ok(p.errorShare > 0.02 && p.errorShare < 0.08, `errors ${p.errorShare}`);
  assert.ok(p.backspaceShare > 0.01 && p.backspaceShare < p.errorShare, `backspaces ${p.backspaceShare}`);
});

test('the same seed gives the same typing', () => {
  const a = new TypistScript(new Random(5)).take(5000);
  const b = new TypistScript(new Random(5)).take(5000);
  assert.equal(a, b);
});

test.run();
