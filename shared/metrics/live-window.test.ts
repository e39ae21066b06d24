// The incremental live window against the reference liveFigures, over random streams that
// lean towards the awkward (lost and orphan keyups, repeats, reordering, ties, zen mode),
// with the window sliding, idle gaps, and the event cap cutting the front.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SeededRandom } from '../seeded-random.ts';
import { liveFigures, type TimedKey } from './live.ts';
import { LiveWindow } from './live-window.ts';
import { generateSession, randomProfile, REALISTIC } from './testing/keystroke-streams.ts';

const WINDOW_US = 10_000_000;

/**
 * Streams `events` through both, comparing at random moments; returns how many comparisons.
 * `exact` false: the stream arrives out of order, and only the figures that do not pair
 * keydowns with keyups must agree (see LiveWindow on events sent out of order).
 */
function compare(events: readonly TimedKey[], rng: SeededRandom, cap: number, label: string, exact = true): number {
  const live = new LiveWindow();
  let kept: TimedKey[] = [];
  let lastOffsetUs = 0;
  let compared = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    live.push(e);
    kept.push(e);
    if (e.offsetUs > lastOffsetUs) lastOffsetUs = e.offsetUs;
    if (rng.below(7) !== 0 && i !== events.length - 1) continue;
    // As the ingest server does: now is the latest offset plus the time since it arrived.
    const nowUs = lastOffsetUs + rng.pick([0, 0, 1000, 400_000, 3_000_000, 12_000_000]);
    const from = nowUs - WINDOW_US;
    let drop = 0;
    while (drop < kept.length && kept[drop]!.offsetUs <= from) drop++;
    drop = Math.max(drop, kept.length - cap);
    kept = kept.slice(drop);
    live.trim(from, cap);
    assert.is(live.size, kept.length, `${label}: kept ${live.size} events, the reference ${kept.length}`);
    const actual = live.figures(nowUs, WINDOW_US);
    const expected = liveFigures(kept, nowUs, WINDOW_US);
    if (!exact) {
      actual.dwellMs = expected.dwellMs;
      actual.flightMs = expected.flightMs;
    }
    assert.equal(actual, expected, `${label} at event ${i}, now ${nowUs}`);
    compared++;
  }
  return compared;
}

test('the same figures as liveFigures, at every moment, on 300 random streams sent in order', () => {
  const rng = new SeededRandom(2026);
  let compared = 0;
  for (let s = 0; s < 300; s++) {
    const profile = s % 5 === 0 ? REALISTIC : { ...randomProfile(rng), reorderRate: 0 };
    const { events } = generateSession(70_000 + s, profile);
    compared += compare(events, rng, s % 4 === 0 ? 40 : 1000, `stream ${s} ${JSON.stringify(profile)}`);
  }
  assert.ok(compared > 3000, `only ${compared} comparisons`);
});

test('streams sent out of order: speed, accuracy and keystrokes still agree exactly', () => {
  const rng = new SeededRandom(4048);
  for (let s = 0; s < 200; s++) {
    const profile = { ...randomProfile(rng), reorderRate: rng.pick([0.05, 0.3]) };
    const { events } = generateSession(90_000 + s, profile);
    compare(events, rng, 1000, `stream ${s} ${JSON.stringify(profile)}`, false);
  }
});

test('offsets that go backwards: a text position counts by its last keystroke inside the window', () => {
  const key = (type: 0 | 1, ms: number, textPos: number, isError = false): TimedKey => ({ type, code: 'KeyA', key: 'a', offsetUs: ms * 1000, textPos, isError, flags: 0 });
  // Position 0 typed wrong at 5 s, then "again" at 0.5 s, which the window [2 s, 12 s] does not hold.
  const events = [key(0, 3000, 1), key(1, 3050, -1), key(0, 5000, 0, true), key(1, 5050, -1), key(0, 500, 0), key(1, 550, -1), key(0, 6000, 2)];
  const live = new LiveWindow();
  for (const e of events) live.push(e);
  assert.equal(live.figures(12_000_000, WINDOW_US), liveFigures(events, 12_000_000, WINDOW_US));
});

test('forgotten events leave nothing behind: a client inventing key codes and positions', () => {
  const live = new LiveWindow();
  for (let i = 0; i < 50_000; i++) {
    live.push({ type: 0, code: `Invented${i}`, key: 'x', offsetUs: i * 1000, textPos: i, isError: false, flags: 0 });
    if (i % 1000 === 999) live.trim(i * 1000 - WINDOW_US, 1000);
  }
  const inside = live as unknown as { down: Map<string, unknown>; lastAt: Map<number, unknown>; offsetUs: Float64Array; codes: string[] };
  const sizes = `${inside.down.size} / ${inside.lastAt.size} / ${inside.offsetUs.length} / ${inside.codes.length}`;
  assert.ok(inside.down.size <= 2000 && inside.lastAt.size <= 2000 && inside.offsetUs.length <= 4096 && inside.codes.length <= 4096, sizes);
});

test.run();
