import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import { LiveWindows, MAX_WINDOW_EVENTS } from './live-windows.ts';
import { keys, SESSION_A, SESSION_B, typed } from './testing/fakes.ts';

const WINDOW_US = 10_000_000; // 10 s
const T0 = 1_700_000_000_000;

/** LiveWindows stamps arrivals with the clock it is given; the tests decide what it says. */
let clock = T0;
const now = () => clock;
test.before.each(() => {
  clock = T0;
});

/** Ten letters, one every 200 ms from startMs, the first one wrong: down at +0, up at +100. */
const tenLetters = (startMs = 0): KeyEvent[] => keys('QWERTYUIOP'.split('').map((c) => `Key${c}`), startMs, new Set([0]));

test('figures of a session: speed, accuracy, dwell and flight over what was typed', () => {
  const live = new LiveWindows(WINDOW_US, now);
  live.add(SESSION_A, 1, tenLetters());
  // last event at 1.9 s; 100 ms later on the session's clock the span is 2 s
  const [entry, ...rest] = live.figures(T0 + 100);
  assert.equal(rest, []);
  assert.is(entry![0], SESSION_A);
  assert.equal(entry![1], { windowSec: 2, wpm: 54, rawWpm: 60, accuracy: 0.9, dwellMs: 100, flightMs: 100, keystrokes: 10 });
});

test('a typist who stops sees the speed fall as wall time passes', () => {
  const live = new LiveWindows(WINDOW_US, now);
  live.add(SESSION_A, 1, tenLetters());
  // 10 characters over a span of 2, 4 and 6 s on the session clock
  const speeds = [100, 2_100, 4_100].map((idle) => live.figures(T0 + idle)[0]![1].rawWpm);
  assert.equal(speeds, [60, 30, 20]);
});

test('a session idle for longer than the window is dropped and stays dropped', () => {
  const live = new LiveWindows(WINDOW_US, now);
  live.add(SESSION_A, 1, tenLetters());
  assert.is(live.figures(T0 + 10_000).length, 1, 'exactly the window is still live');
  assert.equal(live.figures(T0 + 10_001), []);
  assert.equal(live.figures(T0 + 10_002), []);
});

test('a dropped session comes back with new events, counting only those', () => {
  const live = new LiveWindows(WINDOW_US, now);
  live.add(SESSION_A, 1, tenLetters());
  assert.equal(live.figures(T0 + 30_000), []);
  clock = T0 + 30_000;
  live.add(SESSION_A, 2, typed('abc', 30_000));
  const [entry] = live.figures(clock);
  assert.is(entry![1].keystrokes, 3);
});

test('events older than the window on the session clock leave the figures', () => {
  const live = new LiveWindows(WINDOW_US, now);
  live.add(SESSION_A, 1, tenLetters(0)); // 0 .. 1.9 s
  clock = T0 + 15_000;
  live.add(SESSION_A, 2, tenLetters(15_000)); // 15 .. 16.9 s
  const [entry] = live.figures(clock + 100);
  assert.is(entry![1].keystrokes, 10);
  assert.is(entry![1].rawWpm, 60);
  assert.is(entry![1].windowSec, 2);
});

test('sessions are independent, and each is reported once per call', () => {
  const live = new LiveWindows(WINDOW_US, now);
  live.add(SESSION_A, 1, tenLetters());
  live.add(SESSION_B, 1, typed('xy'));
  const figures = new Map(live.figures(T0 + 100));
  assert.equal([...figures.keys()].sort(), [SESSION_A, SESSION_B].sort());
  assert.is(figures.get(SESSION_A)!.keystrokes, 10);
  assert.is(figures.get(SESSION_B)!.keystrokes, 2);
});

test('a batch seen before (resent after a takeover) is not counted again', () => {
  const live = new LiveWindows(WINDOW_US, now);
  live.add(SESSION_A, 1, typed('abc'));
  live.add(SESSION_A, 2, typed('de', 600));
  live.add(SESSION_A, 1, typed('abc'));
  live.add(SESSION_A, 2, typed('de', 600));
  live.add(SESSION_A, 3, typed('f', 1000));
  assert.is(live.figures(T0)[0]![1].keystrokes, 6);
});

test('a client whose offsets never advance cannot grow the window without bound', () => {
  const live = new LiveWindows(WINDOW_US, now);
  const batch = tenLetters(); // the same offsets every time, as a replaying load generator sends
  for (let seq = 1; seq <= 1000; seq++) live.add(SESSION_A, seq, batch);
  const [entry] = live.figures(T0 + 100);
  assert.is(entry![1].keystrokes, MAX_WINDOW_EVENTS / 2, 'only the last MAX_WINDOW_EVENTS events (half of them keydowns) count');
});

test('forget removes a session at once; an empty batch creates nothing', () => {
  const live = new LiveWindows(WINDOW_US, now);
  live.add(SESSION_A, 1, tenLetters());
  live.forget(SESSION_A);
  live.add(SESSION_B, 1, []);
  assert.equal(live.figures(T0), []);
});

test('figures are always finite and within the protocol ranges', () => {
  const live = new LiveWindows(WINDOW_US, now);
  // a lone keyup, then a keydown without keyup: nothing pairs
  live.add(SESSION_A, 1, [{ type: 1, code: 'KeyA', key: 'a', offsetUs: 5, textPos: 0, isError: false, flags: 0 }]);
  live.add(SESSION_A, 2, [{ type: 0, code: 'ShiftLeft', key: 'Shift', offsetUs: 5, textPos: -1, isError: false, flags: 2 }]);
  const [entry] = live.figures(T0 - 500); // a clock that went back
  const f = entry![1];
  for (const value of Object.values(f)) assert.ok(Number.isFinite(value));
  assert.ok(f.windowSec > 0);
  assert.ok(f.accuracy >= 0 && f.accuracy <= 1);
  assert.is(f.keystrokes, 0, 'a modifier is not a keystroke (METRICS.md)');
  assert.is(f.wpm, 0);
});

test.run();
