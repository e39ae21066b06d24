import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { liveFigures, type TimedKey } from './live.ts';

const down = (code: string, key: string, ms: number, isError = false, flags = 0): TimedKey => ({ type: 0, code, key, offsetUs: ms * 1000, isError, flags });
const up = (code: string, key: string, ms: number): TimedKey => ({ type: 1, code, key, offsetUs: ms * 1000, isError: false, flags: 0 });

test('speed, accuracy, dwell and flight over a window', () => {
  // 60 characters in 12 s = 300 characters a minute = 60 wpm raw; 6 of them errors.
  const events: TimedKey[] = [];
  for (let i = 0; i < 60; i++) {
    const t = i * 200;
    events.push(down('KeyA', 'a', t, i % 10 === 0), up('KeyA', 'a', t + 100));
  }
  const f = liveFigures(events, 12_000_000, 20_000_000);
  assert.is(f.windowSec, 12);
  assert.is(f.keystrokes, 60);
  assert.is(f.rawWpm, 60);
  assert.is(f.wpm, 54);
  assert.is(f.accuracy, 0.9);
  assert.is(f.dwellMs, 100);
  assert.is(f.flightMs, 100);
});

test('rollover makes flight negative and is not clipped', () => {
  const events = [down('KeyT', 't', 0), down('KeyH', 'h', 80), up('KeyT', 't', 120), down('KeyE', 'e', 150), up('KeyH', 'h', 200), up('KeyE', 'e', 260)];
  const f = liveFigures(events, 1_000_000, 10_000_000);
  // flights: h has no previous keyup (none), e: 150 - 120 = 30
  assert.is(f.flightMs, 30);
  const overlapped = [down('KeyT', 't', 0), up('KeyT', 't', 100), down('KeyH', 'h', 150), down('KeyE', 'e', 180), up('KeyH', 'h', 220)];
  // h: 150-100 = 50, e: 180-100 = 80 (last keyup still t)
  assert.is(liveFigures(overlapped, 1_000_000, 10_000_000).flightMs, 65);
});

test('auto-repeat and non-character keys are not counted as typed characters', () => {
  const events = [down('KeyA', 'a', 0), down('KeyA', 'a', 500, false, 1), down('ShiftLeft', 'Shift', 600), down('KeyB', 'B', 700, false, 2)];
  const f = liveFigures(events, 1_000_000, 10_000_000);
  assert.is(f.keystrokes, 3);
  assert.is(f.rawWpm, 24); // 2 characters in the 1 s minimum span
});

test('events outside the window are ignored; an empty window is neutral', () => {
  const f = liveFigures([down('KeyA', 'a', 0), up('KeyA', 'a', 50)], 20_000_000, 10_000_000);
  assert.equal(f, { windowSec: 10, wpm: 0, rawWpm: 0, accuracy: 1, dwellMs: 0, flightMs: 0, keystrokes: 0 });
});

test.run();
