import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { KeyModelEntry } from '../../../shared/metrics/analytics-types.ts';
import { FALLBACK_WORDS } from './fallback-words.ts';
import { focusLetter, lessonTarget, lessonWords, LETTER_ORDER, recentAverageWpm, unlockedLetters } from './lesson.ts';

const key = (k: string, confidence: number | null): KeyModelEntry => ({ key: k, hits: 10, misses: 0, sessions: 1, lastMs: 200, smoothedMs: 200, bestMs: 150, confidence });
const seeded = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) / 2147483647);

test('six letters to start; one more each time all reached the target', () => {
  assert.equal(unlockedLetters([]).join(''), 'etaoin');
  const six = [...'etaoin'].map((l) => key(l, 1.1));
  assert.equal(unlockedLetters(six).join(''), 'etaoins');
  assert.equal(unlockedLetters([...six, key('s', 1.3), key('h', 0.5)]).join(''), 'etaoinsh');
  assert.equal(unlockedLetters([...six.slice(1), key('e', 0.9)]).join(''), 'etaoin', 'one letter below target holds the next back');
  assert.is(unlockedLetters([...LETTER_ORDER].map((l) => key(l, 2))).length, 26);
});

test('the focus is the letter furthest from the target, an untyped one first', () => {
  assert.is(focusLetter([key('e', 0.5), key('t', 0.8)], [...'et']), 'e');
  assert.is(focusLetter([key('e', 0.5), key('t', 0.8)], [...'eta']), 'a');
});

test('lessons use only the unlocked letters and lean on the focus letter', () => {
  const words = lessonWords(FALLBACK_WORDS, [...'etaoin'], 'n', 200, seeded(3));
  assert.is(words.length, 200);
  assert.ok(words.every((w) => /^[etaoin]+$/.test(w)), words.slice(0, 20).join(' '));
  assert.ok(words.filter((w) => w.includes('n')).length > 80, 'the focus letter often');
});

test('the default target is the recent average of finished tests', () => {
  const point = (wpm: number | null, complete = true) => ({ complete, summary: { speed: { productiveWpm: wpm } } }) as never;
  assert.is(recentAverageWpm([]), null);
  assert.is(recentAverageWpm([point(40), point(60), point(200, false), point(null)]), 50);
});

test('the target is the choice, else the recent average, else 35, and always one the key model takes', () => {
  assert.is(lessonTarget(20, 80), 20);
  assert.is(lessonTarget(null, 80), 80);
  assert.is(lessonTarget(null, null), 35);
  assert.is(lessonTarget(null, 412), 300, 'short quotes can average past 300 wpm: the API takes at most 300');
  assert.is(lessonTarget(null, 2), 5);
  assert.is(lessonTarget(20.6, null), 21);
});

test.run();
