import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { liveFigures, type TimedKey } from './live.ts';
import { streamOrder } from './keystroke.ts';
import { sessionReport } from './reports.ts';
import { generateSession, REALISTIC } from './testing/keystroke-streams.ts';

const down = (code: string, key: string, ms: number, isError = false, flags = 0, textPos = -1): TimedKey => ({ type: 0, code, key, offsetUs: ms * 1000, textPos, isError, flags });
const up = (code: string, key: string, ms: number): TimedKey => ({ type: 1, code, key, offsetUs: ms * 1000, textPos: -1, isError: false, flags: 0 });

test('speed, accuracy, dwell and flight over a window', () => {
  // 60 characters in 12 s = 300 characters a minute = 60 wpm raw; 6 of them errors, never corrected.
  const events: TimedKey[] = [];
  for (let i = 0; i < 60; i++) {
    const t = i * 200;
    events.push(down('KeyA', 'a', t, i % 10 === 0, 0, i), up('KeyA', 'a', t + 100));
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

test('a corrected error still costs keystroke accuracy but not productive speed', () => {
  // x at position 0 (wrong), Backspace, a at position 0 (right), b at position 1.
  const events = [
    down('KeyX', 'x', 0, true, 0, 0), up('KeyX', 'x', 50), down('Backspace', 'Backspace', 200), up('Backspace', 'Backspace', 250),
    down('KeyA', 'a', 400, false, 0, 0), up('KeyA', 'a', 450), down('KeyB', 'b', 600, false, 0, 1), up('KeyB', 'b', 650),
  ];
  const f = liveFigures(events, 1_000_000, 10_000_000);
  assert.is(f.keystrokes, 4);
  assert.is(f.rawWpm, 36); // 3 characters in the 1 s minimum span
  assert.is(f.wpm, 24); // 2 correct characters
  assert.is(f.accuracy, 0.6667);
});

test('flight is from the previous keystroke\'s own keyup: negative under rollover, not clipped', () => {
  const events = [down('KeyT', 't', 0), down('KeyH', 'h', 80), up('KeyT', 't', 120), down('KeyE', 'e', 150), up('KeyH', 'h', 200), up('KeyE', 'e', 260)];
  // h: 80 - 120 = -40 (t still held); e: 150 - 200 = -50 (h still held)
  assert.is(liveFigures(events, 1_000_000, 10_000_000).flightMs, -45);
  const overlapped = [down('KeyT', 't', 0), up('KeyT', 't', 100), down('KeyH', 'h', 150), down('KeyE', 'e', 180), up('KeyH', 'h', 220)];
  // h: 150 - 100 = 50; e: 180 - 220 = -40; e's keyup never came, which costs nothing here
  assert.is(liveFigures(overlapped, 1_000_000, 10_000_000).flightMs, 5);
});

test('auto-repeat and modifiers are not keystrokes; Shift+b is a character', () => {
  const events = [down('KeyA', 'a', 0), down('KeyA', 'a', 500, false, 1), down('ShiftLeft', 'Shift', 600), down('KeyB', 'B', 700, false, 2)];
  const f = liveFigures(events, 1_000_000, 10_000_000);
  assert.is(f.keystrokes, 2);
  assert.is(f.rawWpm, 24); // 2 characters in the 1 s minimum span
});

test('events outside the window are ignored; an empty window is neutral', () => {
  const f = liveFigures([down('KeyA', 'a', 0), up('KeyA', 'a', 50)], 20_000_000, 10_000_000);
  assert.equal(f, { windowSec: 10, wpm: 0, rawWpm: 0, accuracy: 1, dwellMs: 0, flightMs: 0, keystrokes: 0 });
});

test('over a whole session, the live figures are the session report\'s, rounded', () => {
  const round = (v: number | null, digits: number) => Math.round((v ?? 0) * 10 ** digits) / 10 ** digits;
  for (let seed = 1; seed <= 20; seed++) {
    const session = generateSession(seed, { ...REALISTIC, characters: 40 + seed * 7, lostKeyupRate: 0.05, repeatRate: 0.05, orphanKeyupRate: 0.02 });
    const events = [...session.events].sort(streamOrder);
    const report = sessionReport({ sessionId: 's', ...session }, { fatigueWindowSec: 60 }).summary;
    const endUs = Math.round(report.durationMs! * 1000);
    const live = liveFigures(events, endUs, 1e12);
    assert.is(live.keystrokes, report.counts.keystrokes);
    assert.is(live.rawWpm, round(report.speed.rawWpm, 1), `seed ${seed} raw`);
    assert.is(live.wpm, round(report.speed.productiveWpm, 1), `seed ${seed} productive`);
    assert.is(live.accuracy, round(report.accuracy.keystrokeAccuracy, 4));
    assert.is(live.dwellMs, round(report.dwell.meanMs, 1));
    assert.is(live.flightMs, round(report.flight.meanMs, 1), `seed ${seed} flight`);
  }
});

test.run();
