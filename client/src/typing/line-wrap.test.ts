import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lineOf, wrapLines } from './line-wrap.ts';
import { tickerSlideMs, TICKER_SLIDE_MS } from './ticker-motion.ts';

test('lines break after spaces; a space past the edge stays on its line', () => {
  const chars = Array.from('aaa bbb ccc');
  assert.equal(wrapLines(chars, 7), [0, 8]);
  assert.equal(wrapLines(chars, 3), [0, 4, 8]);
  assert.equal(wrapLines(chars, 100), [0]);
});

test('a word longer than a line is cut', () => {
  assert.equal(wrapLines(Array.from('abcdefghij'), 4), [0, 4, 8]);
});

test('lineOf finds the line of a position', () => {
  const starts = [0, 8, 16];
  assert.equal([0, 7, 8, 15, 16, 40].map((p) => lineOf(starts, p)), [0, 0, 1, 1, 2, 2]);
});

test('the ticker slide shortens with faster typing and stops above ~100 wpm', () => {
  assert.is(tickerSlideMs(null), TICKER_SLIDE_MS);
  assert.is(tickerSlideMs(400), TICKER_SLIDE_MS);
  assert.is(tickerSlideMs(150), 75);
  assert.is(tickerSlideMs(100), 0);
});

test.run();
