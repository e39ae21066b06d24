import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { replayTextAt } from './replay-text.ts';

const keys = [
  { atMs: 0, key: 'h', isError: false },
  { atMs: 100, key: 'x', isError: true },
  { atMs: 200, key: 'Backspace', isError: false },
  { atMs: 300, key: 'i', isError: false },
];

test('the text at a moment: typed, corrected, pending', () => {
  const states = (ms: number) => replayTextAt(keys, 'hi', ms).map((c) => `${c.char}:${c.state[0]}`).join(' ');
  assert.is(states(-1), 'h:p i:p');
  assert.is(states(150), 'h:c x:e');
  assert.is(states(250), 'h:c i:p');
  assert.is(states(300), 'h:c i:c');
});

test.run();
