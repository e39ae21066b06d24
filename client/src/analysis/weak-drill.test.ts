import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { DigraphFigures, KeyModelEntry } from '../../../shared/metrics/analytics-types.ts';
import { weakDrill } from './weak-drill.ts';

const key = (k: string, confidence: number): KeyModelEntry => ({ key: k, hits: 10, misses: 0, sessions: 1, lastMs: 200, smoothedMs: 200, bestMs: 150, confidence });
const pair = (p: string, meanMs: number) => ({ pair: p, transition: { meanMs } }) as DigraphFigures;

test('the drill is made of words holding the weakest keys and pairs', () => {
  const text = weakDrill([key('q', 0.3), key('e', 1.2), key('z', 0.4)], [pair('qu', 400), pair('th', 100)], ['quiz', 'quick', 'the', 'hello', 'zoo'], 20, () => 0.5);
  const words = text.split(' ');
  assert.is(words.length, 20);
  assert.ok(words.every((w) => /[qz]|qu/.test(w)), text);
  assert.not.ok(words.includes('hello'));
});

test('with no word list, pairs and keys themselves', () => {
  const text = weakDrill([key('x', 0.2)], [pair('xy', 300)], [], 4);
  assert.ok(text.includes('xyxy'), text);
});

test.run();
