import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { consistencyOfVariation } from './consistency.ts';
import { sessionReport } from './reports.ts';
import { down, stream, up } from './testing/events.ts';

// "abc" typed as a, b (pressed before a is released), x (wrong), Backspace, c. Every figure
// below was worked out by hand from these times (ms).
const ABC = stream([
  down('KeyA', 'a', 0, { textPos: 0 }), down('KeyB', 'b', 80, { textPos: 1 }), up('KeyA', 100), up('KeyB', 150),
  down('KeyX', 'x', 300, { textPos: 2, isError: true }), up('KeyX', 350),
  down('Backspace', 'Backspace', 500), up('Backspace', 560),
  down('KeyC', 'c', 700, { textPos: 2 }), up('KeyC', 790),
]);
const report = sessionReport({ sessionId: 's', practiceText: 'abc', events: ABC }, { fatigueWindowSec: 60 });
const close = (actual: number | null, expected: number, what: string) => assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} != ${expected}`);

test('counts: keystrokes, characters, corrections and positions', () => {
  assert.equal(report.summary.counts, {
    keystrokes: 5, characterKeystrokes: 4, correctKeystrokes: 3, errorKeystrokes: 1, correctCharacters: 3, uncorrectedErrors: 0,
    correctedErrors: 1, positionsAttempted: 3, positionsFirstTryCorrect: 2, autoRepeats: 0, modifierPresses: 0, backspaces: 1, missingKeyups: 0,
    incorrectCharacters: 0, missedCharacters: 0, extraCharacters: 0,
  });
  assert.is(report.summary.durationMs, 790);
});

test('speed over first keydown to last keyup (0.79 s)', () => {
  const minutes = 0.79 / 60;
  close(report.summary.speed.cpm, 4 / minutes, 'cpm');
  close(report.summary.speed.rawWpm, 4 / 5 / minutes, 'raw wpm');
  close(report.summary.speed.netWpm, 4 / 5 / minutes, 'net wpm (nothing left uncorrected)');
  close(report.summary.speed.productiveWpm, 3 / 5 / minutes, 'productive wpm');
  assert.equal(report.summary.accuracy, { keystrokeAccuracy: 0.75, firstTryAccuracy: 2 / 3, uncorrectedErrorRate: 0 });
});

test('dwell, flight and transition statistics', () => {
  // dwell 100, 70, 50, 60, 90; flight -20 (b before a's keyup), 150, 150, 140; transition 80, 220, 200, 200
  const { dwell, flight, transition } = report.summary;
  assert.equal({ ...dwell, sdMs: 0 }, { count: 5, meanMs: 74, medianMs: 70, p10Ms: 54, p90Ms: 96, sdMs: 0 });
  close(dwell.sdMs, Math.sqrt(344), 'dwell sd');
  assert.equal({ ...flight, sdMs: 0, p10Ms: 0 }, { count: 4, meanMs: 105, medianMs: 145, p10Ms: 0, p90Ms: 150, sdMs: 0 });
  close(flight.p10Ms, 28, 'flight p10');
  assert.equal({ ...transition, sdMs: 0, p10Ms: 0, p90Ms: 0 }, { count: 4, meanMs: 175, medianMs: 200, p10Ms: 0, p90Ms: 0, sdMs: 0 });
  close(transition.p10Ms, 116, 'transition p10');
  close(transition.p90Ms, 214, 'transition p90');
  close(transition.sdMs, Math.sqrt(3075), 'transition sd');
  assert.equal(report.summary.rollover, { pairs: 4, rollovers: 1, ratio: 0.25, meanOverlapMs: 20 });
  close(report.summary.consistency.keys, consistencyOfVariation(Math.sqrt(3075) / 175), 'key consistency');
  assert.is(report.summary.consistency.speed, null, 'no whole second');
});

test('digraphs use the letter meant; the confusion table what was typed instead', () => {
  const pairs = Object.fromEntries(report.digraphs.map((d) => [d.pair, d]));
  assert.equal(Object.keys(pairs).sort(), ['ab', 'bc']);
  assert.is(pairs.ab!.class, 'same_hand');
  assert.is(pairs.ab!.transition.meanMs, 80);
  assert.is(pairs.bc!.errors, 1, 'x was typed where c was expected');
  assert.is(pairs.bc!.transition.meanMs, 220);
  assert.equal(report.confusion, [{ expected: 'c', typed: 'x', count: 1 }]);
});

test('per key and per finger; series of one partial second', () => {
  const keyA = report.keys.find((k) => k.code === 'KeyA')!;
  assert.is(keyA.finger, 0);
  assert.is(keyA.dwell.meanMs, 100);
  assert.is(keyA.transition.count, 0, 'the first keystroke has no previous one');
  const keyX = report.keys.find((k) => k.code === 'KeyX')!;
  assert.equal([keyX.errors, keyX.errorRate], [1, 1]);
  const leftIndex = report.fingers.find((f) => f.finger === 3)!; // KeyB
  assert.equal([leftIndex.name, leftIndex.hand, leftIndex.flight.meanMs], ['left_index', 'left', -20]);
  assert.equal(report.series, [{ second: 0, rawWpm: 48, productiveWpm: 36, errors: 1 }]);
  assert.equal(report.fatigue.windows, [], 'shorter than one window');
});

// The word-aligned client (METRICS.md section 3): "late ok ab" typed as "lte ok abxy",
// Backspace (erases y at its slot), space. L = 10: extras at 11, 12; the last space at 10.
test('word-aligned typing: a skipped letter is missed once, an extra letter stays an extra, nothing shifts', () => {
  const keys: [string, number, boolean][] = [
    ['l', 0, false], ['t', 1, true], ['e', 2, true], [' ', 4, false], // "late": a skipped, e missed
    ['o', 5, false], ['k', 6, false], [' ', 7, false],
    ['a', 8, false], ['b', 9, false], ['x', 11, true], ['y', 12, true], ['Backspace', 12, false], [' ', 10, false],
  ];
  const events = stream(keys.flatMap(([k, pos, isError], i) => {
    const code = k === ' ' ? 'Space' : k === 'Backspace' ? 'Backspace' : `Key${k.toUpperCase()}`;
    return [down(code, k, i * 200, { textPos: pos, isError }), up(code, i * 200 + 90)];
  }));
  const r = sessionReport({ sessionId: 'w', practiceText: 'late ok ab', events }, { fatigueWindowSec: 60 });
  const c = r.summary.counts;
  assert.equal([c.incorrectCharacters, c.missedCharacters, c.extraCharacters, c.uncorrectedErrors], [2, 1, 1, 4]);
  assert.is(c.correctCharacters, 8, 'l, space, o, k, space, a, b, last space');
  assert.is(r.summary.accuracy.keystrokeAccuracy, 8 / 12);
  assert.is(r.summary.accuracy.uncorrectedErrorRate, 4 / 12);
});

test.run();
