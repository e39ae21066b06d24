import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DigraphFigures, KeyModelEntry } from '../../../shared/metrics/analytics-types.ts';
import { weakDrill } from './weak-drill.ts';

const key = (k: string, confidence: number): KeyModelEntry => ({ key: k, hits: 10, misses: 0, sessions: 1, lastMs: 200, smoothedMs: 200, bestMs: 150, confidence });
const pair = (p: string, meanMs: number) => ({ pair: p, count: 5, transition: { meanMs } }) as DigraphFigures;
const seeded = (seed: number) => () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
const LIST = ['quiz', 'quick', 'the', 'hello', 'zoo', 'then', 'water', 'make', 'tree', 'sleep'];

test('only real words from the list, weighted toward weak letters and slow pairs', () => {
  const keys = [key('q', 0.3), key('z', 0.4), key('e', 1.2), key('l', 1.1)];
  const pairs = [pair('qu', 400), pair('th', 100), pair('he', 110), pair('ee', 120)];
  const words = weakDrill(keys, pairs, LIST, 400, seeded(7)).split(' ');
  assert.is(words.length, 400);
  assert.ok(words.every((w) => LIST.includes(w)), 'nothing made up');
  const weak = words.filter((w) => /[qz]/.test(w)).length;
  assert.ok(weak > 400 * 0.6, `${weak} of 400 words hold q, z or the slow "qu" (3 of 10 in the list)`);
  assert.ok(words.includes('hello'), 'easy words still appear, as in real text');
  assert.ok(words.every((w, i) => i === 0 || w !== words[i - 1]), 'never the same word twice in a row');
});

test('no word list, no drill', () => {
  assert.is(weakDrill([key('x', 0.2)], [pair('xy', 300)], [], 4), '');
});

test.run();
