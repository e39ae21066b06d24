import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyFlags } from '../../../shared/protocol/key-event.ts';
import { CharState } from './char-state.ts';
import { TypingEngine } from './typing-engine.ts';
import type { TypingRules } from './typing-rules.ts';

const key = (k: string, flags = 0) => ({ code: k === ' ' ? 'Space' : k === 'Backspace' ? 'Backspace' : `Key${k.toUpperCase()}`, key: k, flags });
const rules = (r: Partial<TypingRules> = {}): TypingRules => ({ stopOn: 'off', backspaceInto: 'errors', ...r });
const typeAll = (engine: TypingEngine, text: string) => [...text].map((c) => engine.keydown(key(c)));
const S = CharState;

test('right keys turn characters correct and move the cursor; the end is reached at the last letter', () => {
  const engine = new TypingEngine('ab', rules());
  assert.equal(engine.keydown(key('a')), { textPos: 0, isError: false, changed: [0] });
  assert.equal(engine.keydown(key('b')), { textPos: 1, isError: false, changed: [1] });
  assert.equal([...engine.states], [S.Correct, S.Correct]);
  assert.ok(engine.finished);
  assert.is(engine.keydown(key('c')).textPos, -1, 'nothing is typed past the end');
});

test('a skipped letter stays inside its word: space marks the rest missed and the next word is aligned', () => {
  const engine = new TypingEngine('late ok', rules());
  const out = typeAll(engine, 'lte ');
  assert.equal(out.map((o) => [o.textPos, o.isError]), [[0, false], [1, true], [2, true], [4, false]]);
  assert.equal([...engine.states.slice(0, 5)], [S.Correct, S.Error, S.Error, S.Missed, S.Correct]);
  assert.is(engine.pos, 5);
  typeAll(engine, 'ok');
  assert.equal([...engine.states.slice(5)], [S.Correct, S.Correct]);
  assert.ok(engine.finished, 'the test ends at the last letter of the last word');
});

test('extra letters get their own positions past the text end and are shown after the word', () => {
  const engine = new TypingEngine('ab cd', rules());
  const out = typeAll(engine, 'abxy');
  assert.equal(out.slice(2).map((o) => [o.textPos, o.isError]), [[6, true], [7, true]]);
  assert.is(engine.extrasAfter(1), 'xy');
  assert.is(engine.extrasBeforeCursor, 2);
  assert.equal(engine.keydown(key('Backspace')).textPos, 7, 'Backspace erases the last extra at its slot');
  engine.keydown(key(' '));
  assert.equal(engine.keydown(key('c')).textPos, 3, 'the next word is not shifted');
  assert.is(engine.extrasAfter(1), 'x');
});

test('extra slots are never reused', () => {
  const engine = new TypingEngine('a b', rules());
  typeAll(engine, 'ax');
  engine.keydown(key('Backspace'));
  assert.is(engine.keydown(key('y')).textPos, 5);
});

test('a transposition costs two letters of its word only', () => {
  const engine = new TypingEngine('the cat', rules());
  typeAll(engine, 'teh cat');
  assert.equal([...engine.states], [S.Correct, S.Error, S.Error, S.Correct, S.Correct, S.Correct, S.Correct]);
  assert.ok(engine.finished);
});

test('auto-repeat types the character, as a text field does', () => {
  const engine = new TypingEngine('all', rules());
  typeAll(engine, 'al');
  assert.equal(engine.keydown(key('l', KeyFlags.REPEAT)), { textPos: 2, isError: false, changed: [2] });
  assert.ok(engine.finished);
});

test('space on an empty word does nothing', () => {
  const engine = new TypingEngine('ab cd', rules());
  assert.equal(engine.keydown(key(' ')), { textPos: -1, isError: false, changed: [] });
  assert.is(engine.pos, 0);
});

test('Backspace goes back into the previous word only when it holds an error (default)', () => {
  const engine = new TypingEngine('ab cd ef', rules());
  typeAll(engine, 'ab ');
  assert.is(engine.keydown(key('Backspace')).textPos, -1, 'a right word is sealed');
  typeAll(engine, 'c ');
  assert.is(engine.states[4], S.Missed);
  assert.equal(engine.keydown(key('Backspace')), { textPos: 5, isError: false, changed: [5, 4] });
  assert.is(engine.pos, 4, 'back after the typed letters of the word with the missed one');
  engine.keydown(key('d'));
  assert.is(engine.states[4], S.Correct);
});

test('backspaceInto "any" and "none"', () => {
  const free = new TypingEngine('ab cd', rules({ backspaceInto: 'any' }));
  typeAll(free, 'ab ');
  assert.is(free.keydown(key('Backspace')).textPos, 2);
  const strict = new TypingEngine('ab cd', rules({ backspaceInto: 'none' }));
  typeAll(strict, 'a ');
  assert.is(strict.keydown(key('Backspace')).textPos, -1);
});

test('Ctrl+Backspace clears the word; its event names the first extra slot so every extra goes', () => {
  const engine = new TypingEngine('one two', rules());
  typeAll(engine, 'onexy');
  const out = engine.keydown(key('Backspace', KeyFlags.CTRL));
  assert.is(out.textPos, 8);
  assert.is(engine.pos, 0);
  assert.is(engine.extrasAfter(2), '');
  typeAll(engine, 'one tw');
  assert.is(engine.keydown(key('Backspace', KeyFlags.CTRL)).textPos, 4);
  assert.is(engine.pos, 4);
});

test('stop on letter: the cursor waits for the right key; Backspace only clears the mark', () => {
  const engine = new TypingEngine('ab', rules({ stopOn: 'letter' }));
  engine.keydown(key('x'));
  assert.is(engine.pos, 0);
  assert.is(engine.states[0], S.Error);
  engine.keydown(key('Backspace'));
  assert.is(engine.states[0], S.Pending);
  engine.keydown(key('x'));
  engine.keydown(key('a'));
  assert.is(engine.states[0], S.Corrected);
  assert.is(engine.pos, 1);
  assert.equal(engine.keydown(key(' ')), { textPos: 1, isError: true, changed: [1] }, 'space is a wrong letter here');
});

test('stop on word: space does not leave a word with an error', () => {
  const engine = new TypingEngine('ab cd', rules({ stopOn: 'word' }));
  typeAll(engine, 'ax');
  assert.equal(engine.keydown(key(' ')), { textPos: 2, isError: true, changed: [] });
  assert.is(engine.pos, 2);
  engine.keydown(key('Backspace'));
  typeAll(engine, 'b ');
  assert.is(engine.pos, 3);
  assert.is(engine.states[2], S.Corrected);
});

test('space in the last word ends the test and marks the rest missed', () => {
  const engine = new TypingEngine('ab cd', rules());
  typeAll(engine, 'ab c');
  assert.equal(engine.keydown(key(' ')), { textPos: 5, isError: false, changed: [4] });
  assert.ok(engine.finished);
});

test('modifiers, shortcuts and IME keys type nothing and are no error', () => {
  const engine = new TypingEngine('a', rules());
  for (const k of [
    { code: 'ShiftLeft', key: 'Shift', flags: KeyFlags.SHIFT },
    { code: 'KeyC', key: 'c', flags: KeyFlags.CTRL },
    { code: 'KeyA', key: 'Process', flags: KeyFlags.COMPOSING },
    { code: 'KeyA', key: 'a', flags: KeyFlags.COMPOSING },
    { code: 'Quote', key: 'Dead', flags: 0 },
  ]) {
    assert.equal(engine.keydown(k), { textPos: -1, isError: false, changed: [] }, JSON.stringify(k));
  }
  assert.is(engine.pos, 0);
});

test('text committed by an IME is judged character by character', () => {
  const engine = new TypingEngine('日本語', rules());
  assert.equal(engine.typeText('日本'), [0, 1]);
  assert.equal([...engine.states], [S.Correct, S.Correct, S.Pending]);
});

test('positions count code points, as the analytics do', () => {
  const engine = new TypingEngine('😀a', rules());
  assert.is(engine.length, 2);
  engine.typeText('😀');
  assert.is(engine.keydown(key('a')).textPos, 1);
});

test.run();
