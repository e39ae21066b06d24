import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { keyModel, type LetterSample } from './learning.ts';

const sample = (hits: number, misses: number, timesMs: number[]): LetterSample =>
  ({ hits, misses, timeSumUs: timesMs.reduce((a, b) => a + b, 0) * 1000, timeCount: timesMs.length });

test('the smoothed time is an EMA over sessions, started at the first', () => {
  const sessions = [
    new Map([['e', sample(3, 1, [300, 300])]]),
    new Map([['e', sample(2, 0, [200])], ['t', sample(1, 0, [])]]),
    new Map([['e', sample(1, 0, [100])]]),
  ];
  const model = keyModel(sessions, 35);
  assert.ok(Math.abs(model.targetMs - 60_000 / 175) < 1e-12);
  const e = model.keys.find((k) => k.key === 'e')!;
  // 300, then 0.1*200 + 0.9*300 = 290, then 0.1*100 + 0.9*290 = 271
  assert.ok(Math.abs(e.smoothedMs! - 271) < 1e-9);
  assert.equal([e.hits, e.misses, e.sessions, e.lastMs, e.bestMs], [6, 1, 3, 100, 100]);
  assert.ok(Math.abs(e.confidence! - model.targetMs / 271) < 1e-12);
  const t = model.keys.find((k) => k.key === 't')!;
  assert.equal([t.hits, t.sessions, t.smoothedMs, t.confidence], [1, 0, null, null], 'a hit with no time (first keystroke) gives no estimate');
});

test.run();
