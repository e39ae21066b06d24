import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyFlags } from '../../../shared/protocol/key-event.ts';
import { CharState } from './char-state.ts';
import { TypingEngine } from './typing-engine.ts';

const key = (k: string, flags = 0) => ({ code: k === ' ' ? 'Space' : k === 'Backspace' ? 'Backspace' : `Key${k.toUpperCase()}`, key: k, flags });

test('right keys turn characters correct and move the cursor; the end is reached', () => {
  const engine = new TypingEngine('ab', false);
  assert.equal(engine.keydown(key('a')), { textPos: 0, isError: false, changed: [0] });
  assert.equal(engine.keydown(key('b')), { textPos: 1, isError: false, changed: [1] });
  assert.equal([...engine.states], [CharState.Correct, CharState.Correct]);
  assert.ok(engine.finished);
  assert.is(engine.keydown(key('c')).textPos, -1, 'nothing is typed past the end');
});

test('free mode: a wrong key is an error and the cursor moves on; fixed later it reads "corrected"', () => {
  const engine = new TypingEngine('ab', false);
  assert.equal(engine.keydown(key('x')), { textPos: 0, isError: true, changed: [0] });
  assert.is(engine.pos, 1);
  assert.equal(engine.keydown(key('Backspace')), { textPos: 0, isError: false, changed: [0] });
  assert.is(engine.states[0], CharState.Pending);
  engine.keydown(key('a'));
  assert.is(engine.states[0], CharState.Corrected);
});

test('stop on error: the cursor waits for the right key; Backspace only clears the mark', () => {
  const engine = new TypingEngine('ab', true);
  engine.keydown(key('x'));
  assert.is(engine.pos, 0);
  assert.is(engine.states[0], CharState.Error);
  engine.keydown(key('Backspace'));
  assert.is(engine.pos, 0);
  assert.is(engine.states[0], CharState.Pending);
  engine.keydown(key('a'));
  assert.is(engine.states[0], CharState.Corrected);
  assert.is(engine.pos, 1);
});

test('Ctrl+Backspace erases back to the start of the word', () => {
  const engine = new TypingEngine('one two', false);
  for (const c of 'one tw') engine.keydown(key(c));
  const out = engine.keydown(key('Backspace', KeyFlags.CTRL));
  assert.is(engine.pos, 4);
  assert.equal(out.changed, [5, 4]);
  engine.keydown(key('Backspace', KeyFlags.CTRL));
  assert.is(engine.pos, 0, 'from a word start, the previous word and its space go');
});

test('modifiers, shortcuts, IME keys and auto-repeats type nothing and are no error', () => {
  const engine = new TypingEngine('a', false);
  for (const k of [
    { code: 'ShiftLeft', key: 'Shift', flags: KeyFlags.SHIFT },
    { code: 'KeyC', key: 'c', flags: KeyFlags.CTRL },
    { code: 'KeyA', key: 'Process', flags: KeyFlags.COMPOSING },
    { code: 'KeyA', key: 'a', flags: KeyFlags.COMPOSING },
    { code: 'KeyX', key: 'x', flags: KeyFlags.REPEAT },
    { code: 'Quote', key: 'Dead', flags: 0 },
  ]) {
    assert.equal(engine.keydown(k), { textPos: -1, isError: false, changed: [] }, JSON.stringify(k));
  }
  assert.is(engine.pos, 0);
});

test('text committed by an IME is judged character by character', () => {
  const engine = new TypingEngine('日本語', false);
  assert.equal(engine.typeText('日本'), [0, 1]);
  assert.equal([...engine.states], [CharState.Correct, CharState.Correct, CharState.Pending]);
});

test('positions count code points, as the analytics do', () => {
  const engine = new TypingEngine('😀a', false);
  assert.is(engine.length, 2);
  engine.typeText('😀');
  assert.is(engine.keydown(key('a')).textPos, 1);
});

test.run();
