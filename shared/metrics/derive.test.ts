import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { deriveKeydowns, sessionBounds } from './derive.ts';
import { sessionReport } from './reports.ts';
import { down, stream, up } from './testing/events.ts';
import { generateSession, randomProfile } from './testing/keystroke-streams.ts';
import { SeededRandom } from '../seeded-random.ts';

const timing = (events: ReturnType<typeof stream>) =>
  deriveKeydowns(events, '').map((f) => [f.code, f.dwellUs && f.dwellUs / 1000, f.flightUs && f.flightUs / 1000, f.transitionUs && f.transitionUs / 1000]);

test('a keyup that never came: no dwell, and no flight for the next key', () => {
  const events = stream([down('KeyA', 'a', 0), down('KeyB', 'b', 200), up('KeyB', 260), down('KeyC', 'c', 400), up('KeyC', 450)]);
  assert.equal(timing(events), [['KeyA', null, null, null], ['KeyB', 60, null, 200], ['KeyC', 50, 140, 200]]);
  // The same key pressed again before its keyup: the first press lost its keyup.
  const twice = stream([down('KeyA', 'a', 0), down('KeyA', 'a', 300), up('KeyA', 380)]);
  assert.equal(timing(twice), [['KeyA', null, null, null], ['KeyA', 80, null, 300]]);
});

test('a keyup without a keydown is ignored', () => {
  const events = stream([up('KeyQ', 0), down('KeyA', 'a', 10), up('KeyA', 90), up('KeyA', 95), down('KeyB', 'b', 200), up('KeyB', 250)]);
  assert.equal(timing(events), [['KeyA', 80, null, null], ['KeyB', 50, 110, 190]]);
  assert.equal(sessionBounds(deriveKeydowns(events, '')), { startUs: 10_000, endUs: 250_000 });
});

test('auto-repeat is counted apart and takes no part in timing or speed', () => {
  const events = stream([
    down('KeyA', 'a', 0), down('KeyA', 'a', 500, { flags: 1 }), down('KeyA', 'a', 533, { flags: 1 }), up('KeyA', 560),
    down('KeyB', 'b', 700), up('KeyB', 760),
  ]);
  assert.equal(timing(events).filter((t) => t[0] === 'KeyA'), [['KeyA', 560, null, null], ['KeyA', null, null, null], ['KeyA', null, null, null]]);
  const r = sessionReport({ sessionId: 's', practiceText: '', events }, { fatigueWindowSec: 60 });
  assert.is(r.summary.counts.autoRepeats, 2);
  assert.is(r.summary.counts.characterKeystrokes, 2);
  assert.is(r.summary.flight.meanMs, 140, 'b from a\'s own keyup');
});

test('modifiers have a dwell but stay out of the sequence', () => {
  const events = stream([
    down('KeyA', 'a', 0), up('KeyA', 80), down('ShiftLeft', 'Shift', 150, { flags: 2 }), down('KeyB', 'B', 200, { flags: 2 }),
    up('KeyB', 260), up('ShiftLeft', 300),
  ]);
  assert.equal(timing(events), [['KeyA', 80, null, null], ['ShiftLeft', 150, null, null], ['KeyB', 60, 120, 200]]);
  const r = sessionReport({ sessionId: 's', practiceText: '', events }, { fatigueWindowSec: 60 });
  assert.equal([r.summary.counts.keystrokes, r.summary.counts.modifierPresses, r.summary.counts.characterKeystrokes], [2, 1, 2]);
  assert.equal(r.digraphs.map((d) => d.pair), ['ab'], 'Shift does not break the pair; B is the letter b');
});

test('shortcuts and IME composition do not type characters; AltGr does', () => {
  const events = stream([
    down('ControlLeft', 'Control', 0, { flags: 4 }), down('KeyC', 'c', 50, { flags: 4 }), up('KeyC', 90), up('ControlLeft', 120),
    down('KeyA', 'Process', 300, { flags: 64 }), up('KeyA', 350), down('KeyA', 'a', 400, { flags: 64 }), up('KeyA', 450),
    down('KeyE', '€', 600, { flags: 12 }), up('KeyE', 650),
  ]);
  const r = sessionReport({ sessionId: 's', practiceText: '', events }, { fatigueWindowSec: 60 });
  assert.is(r.summary.counts.characterKeystrokes, 1);
  assert.is(r.summary.counts.keystrokes, 4);
});

test('events are read in capture order whatever order they were stored in', () => {
  const events = stream([down('KeyA', 'a', 0), down('KeyB', 'b', 90), up('KeyA', 100), up('KeyB', 150), down('KeyC', 'c', 160), up('KeyC', 200)], 2);
  const inOrder = sessionReport({ sessionId: 's', practiceText: '', events }, { fatigueWindowSec: 60 });
  const reversed = sessionReport({ sessionId: 's', practiceText: '', events: [...events].reverse() }, { fatigueWindowSec: 60 });
  assert.equal(reversed, inOrder);
  assert.equal(inOrder.summary.rollover, { pairs: 2, rollovers: 1, ratio: 0.5, meanOverlapMs: 10 });
});

test('a tie in time is broken by batch, then index in batch', () => {
  // A keyup and a keydown of the same key at the same microsecond: whichever was sent first
  // (lower batch) comes first. keyup first: two presses of 100 and 50 ms; keydown first:
  // the first press lost its keyup and the second lasted 0 ms.
  const keyupFirst = stream([down('KeyA', 'a', 0), up('KeyA', 100), down('KeyA', 'a', 100), up('KeyA', 150)], 1);
  assert.equal(timing(keyupFirst).map((t) => t[1]), [100, 50]);
  const keydownFirst = keyupFirst.map((e, i) => (i === 1 ? { ...e, batchSeq: 3 } : i === 2 ? { ...e, batchSeq: 2 } : e));
  assert.equal(timing(keydownFirst).map((t) => t[1]), [null, 0]);
});

test('sessions with no or one keystroke have counts but no rates: null, never NaN', () => {
  for (const events of [stream([]), stream([up('KeyA', 0)]), stream([down('KeyA', 'a', 0), up('KeyA', 90)])]) {
    const r = sessionReport({ sessionId: 's', practiceText: 'a', events }, { fatigueWindowSec: 1 });
    assert.equal(r.summary.speed, { cpm: null, rawWpm: null, netWpm: null, productiveWpm: null });
    assert.is(r.summary.consistency.speed, null);
    assert.is(r.summary.consistency.keys, null);
    assert.is(r.summary.rollover.ratio, null);
    assert.ok(!JSON.stringify(r).includes('NaN') && !JSON.stringify(r).includes('Infinity'));
  }
  const none = sessionReport({ sessionId: 's', practiceText: '', events: [] }, { fatigueWindowSec: 1 });
  assert.equal([none.summary.durationMs, none.summary.accuracy.keystrokeAccuracy, none.summary.dwell.meanMs], [null, null, null]);
});

test('text positions: first try, last keystroke, and typing past the text', () => {
  const events = stream([
    down('KeyX', 'x', 0, { textPos: 0, isError: true }), up('KeyX', 50), down('Backspace', 'Backspace', 100), up('Backspace', 150),
    down('KeyA', 'a', 200, { textPos: 0 }), up('KeyA', 250), down('KeyQ', 'q', 300, { textPos: 1, isError: true }), up('KeyQ', 350),
    down('KeyZ', 'z', 400, { textPos: 5, isError: true }), up('KeyZ', 450),
  ]);
  const r = sessionReport({ sessionId: 's', practiceText: 'ab', events }, { fatigueWindowSec: 60 });
  const c = r.summary.counts;
  assert.equal([c.positionsAttempted, c.positionsFirstTryCorrect, c.correctedErrors, c.uncorrectedErrors, c.correctCharacters], [3, 0, 1, 2, 1]);
  assert.equal(r.confusion.map((e) => `${e.expected}>${e.typed}`).sort(), ['a>x', 'b>q'], 'position 5 is past the text: no expected character');
});

test('stored sessions keep their figures: streams of the character-by-character client count no missed or extra letters', () => {
  // That client sent every position in order and nothing past the text, so the word-aligned
  // definitions (METRICS.md section 3) give its sessions exactly the figures they had.
  const rng = new SeededRandom(17);
  for (let i = 0; i < 200; i++) {
    const session = generateSession(500 + i, { ...randomProfile(rng), textMode: 'text' });
    const facts = deriveKeydowns(session.events, session.practiceText);
    const r = sessionReport({ sessionId: 's', ...session }, { fatigueWindowSec: 60 });
    const before = facts.filter((f) => f.isFinal && f.isError).length; // the old definition
    assert.equal([r.summary.counts.missedCharacters, r.summary.counts.extraCharacters, r.summary.counts.uncorrectedErrors], [0, 0, before], `session ${i}`);
  }
});

test.run();
