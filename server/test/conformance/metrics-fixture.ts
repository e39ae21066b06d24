// A small session whose every METRICS.md figure is worked out by hand below: the literal
// numbers are the expected answers, the comments the arithmetic. metrics-fixture.test.ts
// holds the TypeScript reference and the SQL the API runs to these numbers.
//
// Text "ab cd" (length 5: a0 b1 space2 c3 d4; the space after the last word is 5, the first
// extra slot 6). The typist types: a; s instead of b (a wrong key); Backspace; b, with the
// space pressed before b is released (a rollover); c d; an extra e past the end of "cd"
// (slot 6); the space that commits the last word. Times in ms from the first keydown:
//
//   #  code       key        down   up    pos  error   flight (down - previous up)  transition
//   1  KeyA       a             0   100     0   no      -                           -
//   2  KeyS       s           300   400     1   yes     300-100 = 200               300
//   3  Backspace  Backspace   600   700     1   no      600-400 = 200               300
//   4  KeyB       b           900  1050     1   no      900-700 = 200               300
//   5  Space      " "        1000  1100     2   no      1000-1050 = -50 (rollover)  100
//   6  KeyC       c          1300  1400     3   no      1300-1100 = 200             300
//   7  KeyD       d          1600  1700     4   no      200                         300
//   8  KeyE       e          1900  2000     6   yes     200 (extra letter)          300
//   9  Space      " "        2200  2300     5   no      200                         300
//
// Fingers (fingers.ts): KeyA left pinky 0, KeyS left ring 1, KeyC/KeyD/KeyE left middle 2,
// KeyB left index 3, Space right thumb 5, Backspace right pinky 9.
import type { RawEvent } from '../support/raw-protocol-client.ts';

export const PRACTICE_TEXT = 'ab cd';

const KEYS: Array<[code: string, key: string, downMs: number, upMs: number, pos: number, isError: boolean]> = [
  ['KeyA', 'a', 0, 100, 0, false],
  ['KeyS', 's', 300, 400, 1, true],
  ['Backspace', 'Backspace', 600, 700, 1, false],
  ['KeyB', 'b', 900, 1050, 1, false],
  ['Space', ' ', 1000, 1100, 2, false],
  ['KeyC', 'c', 1300, 1400, 3, false],
  ['KeyD', 'd', 1600, 1700, 4, false],
  ['KeyE', 'e', 1900, 2000, 6, true],
  ['Space', ' ', 2200, 2300, 5, false],
];

/** The 18 events in capture order, as PROTOCOL.md §3 KeyEvents. */
export const EVENTS: RawEvent[] = KEYS.flatMap(([code, key, down, up, textPos, isError]) => [
  { type: 0 as const, code, key, offsetUs: down * 1000, textPos, isError, flags: 0 },
  { type: 1 as const, code, key, offsetUs: up * 1000, textPos, isError, flags: 0 },
]).sort((a, b) => a.offsetUs - b.offsetUs);

/** TimingStats (METRICS.md section 2): count, mean, median, p10, p90, population sd. */
export function stats(count: number, meanMs: number, medianMs: number, p10Ms: number, p90Ms: number, sdMs: number) {
  return { count, meanMs, medianMs, p10Ms, p90Ms, sdMs };
}
const NONE = { count: 0, meanMs: null, medianMs: null, p10Ms: null, p90Ms: null, sdMs: null };
/** One value: it is its own mean, median and percentiles; sd 0. */
const one = (ms: number) => stats(1, ms, ms, ms, ms, 0);
const same = (n: number, ms: number) => stats(n, ms, ms, ms, ms, 0);

// Percentiles: rank r = f (n - 1), v[floor r] + (v[ceil r] - v[floor r]) (r - floor r).
// dwell, 9 values: 100 x8, 150. mean 950/9 = 105.5556; median v4 = 100; p10 r=0.8: 100;
// p90 r=7.2: 100 + 50*0.2 = 110; sd = sqrt((8*(50/9)^2 + (400/9)^2)/9) = sqrt(180000/729) = 15.71348
const DWELL = stats(9, 105.55555555555556, 100, 100, 110, 15.713484026367722);
// flight, 8 values: -50, 200 x7. mean 1350/8 = 168.75; median r=3.5: 200; p10 r=0.7: -50 + 250*0.7 = 125;
// p90 200; sd = sqrt((7*31.25^2 + 218.75^2)/8) = sqrt(6835.9375) = 82.67973
const FLIGHT = stats(8, 168.75, 200, 125, 200, 82.67972847076845);
// transition, 8 values: 100, 300 x7. mean 2200/8 = 275; median 300; p10 r=0.7: 100 + 200*0.7 = 240;
// p90 300; sd = sqrt((7*25^2 + 175^2)/8) = sqrt(4375) = 66.14378
const TRANSITION = stats(8, 275, 300, 240, 300, 66.14378277661477);

// consistency(c) = 100 (1 - tanh(c + c^3/3 + c^5/5)).
// keys: c = 66.14378 / 275 = 0.2405228 -> 100 (1 - tanh(0.2405228 + 0.0046381 + 0.0001610)) = 75.94837
// speed: full seconds 0 and 1 of 0..2.3 s: raw speed 3 chars*12 = 36 (a s b) and 4*12 = 48 (space c d e);
// mean 42, sd 6, c = 1/7 -> 100 (1 - tanh(0.1428571 + 0.0009718 + 0.0000119)) = 85.71430

/** The session's figures by hand: the answer of GET /api/sessions/:id/analytics?fatigueWindowSec=1. */
export const HAND = {
  sessionId: '(the session)',
  window: null,
  summary: {
    durationMs: 2300, // first keydown 0 to last keyup 2300
    counts: {
      keystrokes: 9, // every keydown (no modifiers, no auto-repeats)
      characterKeystrokes: 8, // all but Backspace (a space is one character)
      correctKeystrokes: 6, // a b space c d space
      errorKeystrokes: 2, // s e
      correctCharacters: 6, // final and right at 0 1 2 3 4 5
      uncorrectedErrors: 1, // incorrect 0 + missed 0 + extra 1
      correctedErrors: 1, // position 1: first s (wrong), last b (right)
      positionsAttempted: 7, // first tries at 0 1 2 3 4 6 5
      positionsFirstTryCorrect: 5, // 0 2 3 4 5 (1 began with s, 6 is the extra e)
      autoRepeats: 0,
      modifierPresses: 0,
      backspaces: 1,
      missingKeyups: 0,
      incorrectCharacters: 0, // no final keystroke is wrong except the extra e, counted as extra
      missedCharacters: 0, // every position 0..5 was typed
      extraCharacters: 1, // e at slot 6, never erased (no Backspace after it)
    },
    speed: {
      cpm: 208.69565217391303, // 8 / (2300/60000) = 480000/2300
      rawWpm: 41.73913043478261, // 8 / 5 / (2300/60000) = 96000/2300
      netWpm: 15.65217391304348, // 41.73913 - 1 / (2300/60000) = 41.73913 - 26.08696
      productiveWpm: 31.304347826086957, // 6 / 5 / (2300/60000) = 72000/2300
    },
    accuracy: {
      keystrokeAccuracy: 0.75, // 6 / 8
      firstTryAccuracy: 0.7142857142857143, // 5 / 7
      uncorrectedErrorRate: 0.14285714285714285, // 1 / (6 + 1)
    },
    consistency: { speed: 85.71430298123275, keys: 75.94837174195813 },
    rollover: { pairs: 8, rollovers: 1, ratio: 0.125, meanOverlapMs: 50 }, // 1/8; b up 1050 - space down 1000
    dwell: DWELL,
    flight: FLIGHT,
    transition: TRANSITION,
  },
  // Per key, finger and hand: presses, character keystrokes, errors among them, and the
  // timings of the keydowns in the group (flight and transition: the time taken to reach it).
  keys: [
    { code: 'Backspace', finger: 9, presses: 1, characterKeystrokes: 0, errors: 0, errorRate: null, dwell: one(100), flight: one(200), transition: one(300) },
    { code: 'KeyA', finger: 0, presses: 1, characterKeystrokes: 1, errors: 0, errorRate: 0, dwell: one(100), flight: NONE, transition: NONE },
    { code: 'KeyB', finger: 3, presses: 1, characterKeystrokes: 1, errors: 0, errorRate: 0, dwell: one(150), flight: one(200), transition: one(300) },
    { code: 'KeyC', finger: 2, presses: 1, characterKeystrokes: 1, errors: 0, errorRate: 0, dwell: one(100), flight: one(200), transition: one(300) },
    { code: 'KeyD', finger: 2, presses: 1, characterKeystrokes: 1, errors: 0, errorRate: 0, dwell: one(100), flight: one(200), transition: one(300) },
    { code: 'KeyE', finger: 2, presses: 1, characterKeystrokes: 1, errors: 1, errorRate: 1, dwell: one(100), flight: one(200), transition: one(300) },
    { code: 'KeyS', finger: 1, presses: 1, characterKeystrokes: 1, errors: 1, errorRate: 1, dwell: one(100), flight: one(200), transition: one(300) },
    // two spaces: flight -50, 200: mean 75, p10 -50 + 250*0.1 = -25, p90 -50 + 250*0.9 = 175, sd 125;
    // transition 100, 300: mean 200, p10 120, p90 280, sd 100
    { code: 'Space', finger: 5, presses: 2, characterKeystrokes: 2, errors: 0, errorRate: 0, dwell: same(2, 100), flight: stats(2, 75, 75, -25, 175, 125), transition: stats(2, 200, 200, 120, 280, 100) },
  ],
  fingers: [
    { finger: 0, name: 'left_pinky', hand: 'left', presses: 1, characterKeystrokes: 1, errors: 0, errorRate: 0, dwell: one(100), flight: NONE, transition: NONE },
    { finger: 1, name: 'left_ring', hand: 'left', presses: 1, characterKeystrokes: 1, errors: 1, errorRate: 1, dwell: one(100), flight: one(200), transition: one(300) },
    // c d e: 1 error of 3
    { finger: 2, name: 'left_middle', hand: 'left', presses: 3, characterKeystrokes: 3, errors: 1, errorRate: 0.3333333333333333, dwell: same(3, 100), flight: same(3, 200), transition: same(3, 300) },
    { finger: 3, name: 'left_index', hand: 'left', presses: 1, characterKeystrokes: 1, errors: 0, errorRate: 0, dwell: one(150), flight: one(200), transition: one(300) },
    { finger: 5, name: 'right_thumb', hand: 'right', presses: 2, characterKeystrokes: 2, errors: 0, errorRate: 0, dwell: same(2, 100), flight: stats(2, 75, 75, -25, 175, 125), transition: stats(2, 200, 200, 120, 280, 100) },
    { finger: 9, name: 'right_pinky', hand: 'right', presses: 1, characterKeystrokes: 0, errors: 0, errorRate: null, dwell: one(100), flight: one(200), transition: one(300) },
  ],
  hands: [
    // a s b c d e: errors s e, 2/6. dwell 100 x5, 150: mean 650/6 = 108.3333, p90 r=4.5: 125,
    // sd sqrt((5*(50/6)^2 + (250/6)^2)/6) = 18.63390; flight 200 x5 (a has none); transition 300 x5
    { hand: 'left', presses: 6, characterKeystrokes: 6, errors: 2, errorRate: 0.3333333333333333, dwell: stats(6, 108.33333333333333, 100, 100, 125, 18.633899812498246), flight: same(5, 200), transition: same(5, 300) },
    // Backspace, space, space: flight 200, -50, 200: mean 350/3, p10 r=0.2: -50 + 250*0.2 = 0,
    // sd sqrt(((500/3)^2 + 2*(250/3)^2)/3) = 117.85113; transition 300, 100, 300: mean 700/3,
    // p10 r=0.2: 140, sd sqrt(((400/3)^2 + 2*(200/3)^2)/3) = 94.28090
    { hand: 'right', presses: 3, characterKeystrokes: 2, errors: 0, errorRate: 0, dwell: same(3, 100), flight: stats(3, 116.66666666666667, 200, 0, 200, 117.85113019775793), transition: stats(3, 233.33333333333334, 300, 140, 300, 94.28090415820634) },
  ],
  // Pairs of consecutive keystrokes with letters (Backspace and space break them): a s means
  // "ab" (s was typed where b was expected), c d, d e (e is extra: it means the e typed).
  digraphs: [
    { pair: 'ab', class: 'same_hand', count: 1, errors: 1, errorRate: 1, transition: one(300) }, // KeyA pinky, KeyS ring
    { pair: 'cd', class: 'same_finger', count: 1, errors: 0, errorRate: 0, transition: one(300) },
    { pair: 'de', class: 'same_finger', count: 1, errors: 1, errorRate: 1, transition: one(300) },
  ],
  digraphClasses: [
    { class: 'same_finger', count: 2, errors: 1, errorRate: 0.5, transition: same(2, 300) },
    { class: 'same_hand', count: 1, errors: 1, errorRate: 1, transition: one(300) },
  ],
  // What was pressed instead: s where b was expected; the extra e has no expected character.
  confusion: [{ expected: 'b', typed: 's', count: 1 }],
  // Per second: character keydowns x 12, correct final characters x 12, error keystrokes.
  series: [
    { second: 0, rawWpm: 36, productiveWpm: 24, errors: 1 }, // a s b; a b final and right; s
    { second: 1, rawWpm: 48, productiveWpm: 36, errors: 1 }, // space c d e; space c d; e
    { second: 2, rawWpm: 12, productiveWpm: 12, errors: 0 }, // the last space (a partial second, unscaled)
  ],
  fatigue: fatigueByHand(),
};

/** fatigueWindowSec=1: full windows [0,1) and [1,2) s; the last 0.3 s is left out. */
function fatigueByHand() {
  const none = { autoRepeats: 0, modifierPresses: 0, missingKeyups: 0, incorrectCharacters: 0, missedCharacters: 0 };
  return {
    windowSec: 1,
    windows: [
      {
        index: 0, fromSec: 0, toSec: 1, durationMs: 1000, // a s Backspace b
        counts: { ...none, keystrokes: 4, characterKeystrokes: 3, correctKeystrokes: 2, errorKeystrokes: 1, correctCharacters: 2, uncorrectedErrors: 0, correctedErrors: 1, positionsAttempted: 2, positionsFirstTryCorrect: 1, backspaces: 1, extraCharacters: 0 },
        speed: { cpm: 180, rawWpm: 36, netWpm: 36, productiveWpm: 24 }, // 3/(1/60); 3/5*60; 2/5*60
        accuracy: { keystrokeAccuracy: 0.6666666666666666, firstTryAccuracy: 0.5, uncorrectedErrorRate: 0 }, // 2/3; 1/2; 0/2
        consistency: { speed: null, keys: 100 }, // one full second; transitions 300 x3: c = 0
        rollover: { pairs: 3, rollovers: 0, ratio: 0, meanOverlapMs: null },
        // dwell 100 x3, 150: mean 112.5, p10 r=0.3: 100, p90 r=2.7: 135, sd sqrt((3*12.5^2 + 37.5^2)/4) = 21.65064
        dwell: stats(4, 112.5, 100, 100, 135, 21.650635094610966), flight: same(3, 200), transition: same(3, 300),
      },
      {
        index: 1, fromSec: 1, toSec: 2, durationMs: 1000, // space c d e
        counts: { ...none, keystrokes: 4, characterKeystrokes: 4, correctKeystrokes: 3, errorKeystrokes: 1, correctCharacters: 3, uncorrectedErrors: 1, correctedErrors: 0, positionsAttempted: 4, positionsFirstTryCorrect: 3, backspaces: 0, extraCharacters: 1 },
        speed: { cpm: 240, rawWpm: 48, netWpm: 0, productiveWpm: 36 }, // net max(0, 48 - 1*60)
        accuracy: { keystrokeAccuracy: 0.75, firstTryAccuracy: 0.75, uncorrectedErrorRate: 0.25 }, // 3/4; 3/4; 1/(3+1)
        // transitions 100, 300 x3: mean 250, sd sqrt((150^2 + 3*50^2)/4) = 86.60254, c = 0.3464102
        // -> 100 (1 - tanh(0.3464102 + 0.0138564 + 0.0009976)) = 65.36729
        consistency: { speed: null, keys: 65.36728846486821 },
        rollover: { pairs: 4, rollovers: 1, ratio: 0.25, meanOverlapMs: 50 },
        // flight -50, 200 x3: mean 137.5, p10 r=0.3: -50 + 250*0.3 = 25, sd sqrt((187.5^2 + 3*62.5^2)/4) = 108.25318
        dwell: same(4, 100), flight: stats(4, 137.5, 200, 25, 200, 108.25317547305482), transition: stats(4, 250, 300, 160, 300, 86.60254037844386),
      },
    ],
    // Least-squares slope against the window start in minutes (0 and 1/60): (last - first) * 60.
    slopes: { rawWpmPerMin: 720, productiveWpmPerMin: 720, dwellMeanMsPerMin: -750 }, // 12*60; 12*60; -12.5*60
    change: {
      rawWpm: { first: 36, last: 48, delta: 12, percent: 33.333333333333336 }, // 12/36*100
      productiveWpm: { first: 24, last: 36, delta: 12, percent: 50 },
      dwellMeanMs: { first: 112.5, last: 100, delta: -12.5, percent: -11.11111111111111 }, // -12.5/112.5*100
    },
  };
}

/** GET /api/analytics/keys for a typist whose only session is this one (METRICS.md section 7). */
export const HAND_KEY_MODEL = {
  targetWpm: 35,
  targetMs: 342.85714285714283, // 60000 / (5 * 35)
  alpha: 0.1,
  // A keystroke means the letter expected at its position (s at 1 means b), else the one typed
  // (the extra e). Time = mean transition of the hits that have one (a was the first keystroke).
  keys: [
    { key: 'a', hits: 1, misses: 0, sessions: 0, lastMs: null, smoothedMs: null, bestMs: null, confidence: null },
    { key: 'b', hits: 1, misses: 1, sessions: 1, lastMs: 300, smoothedMs: 300, bestMs: 300, confidence: 1.1428571428571428 }, // 342.857/300
    { key: 'c', hits: 1, misses: 0, sessions: 1, lastMs: 300, smoothedMs: 300, bestMs: 300, confidence: 1.1428571428571428 },
    { key: 'd', hits: 1, misses: 0, sessions: 1, lastMs: 300, smoothedMs: 300, bestMs: 300, confidence: 1.1428571428571428 },
    { key: 'e', hits: 0, misses: 1, sessions: 0, lastMs: null, smoothedMs: null, bestMs: null, confidence: null },
  ],
};
