import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FINGERS, Finger, HOME_KEYS, KEY_ROWS, fingerOf, handOf, pairClass, pairClassOfFingers, rowOf } from './fingers.ts';

/** The standard assignment, written out by finger rather than by row. */
const EXPECTED: Record<string, string[]> = {
  left_pinky: ['Backquote', 'Digit1', 'Tab', 'KeyQ', 'CapsLock', 'KeyA', 'ShiftLeft', 'IntlBackslash', 'KeyZ', 'ControlLeft'],
  left_ring: ['Digit2', 'KeyW', 'KeyS', 'KeyX'],
  left_middle: ['Digit3', 'KeyE', 'KeyD', 'KeyC'],
  left_index: ['Digit4', 'Digit5', 'KeyR', 'KeyT', 'KeyF', 'KeyG', 'KeyV', 'KeyB'],
  left_thumb: ['AltLeft', 'MetaLeft'],
  right_thumb: ['Space', 'AltRight', 'MetaRight'],
  right_index: ['Digit6', 'Digit7', 'KeyY', 'KeyU', 'KeyH', 'KeyJ', 'KeyN', 'KeyM'],
  right_middle: ['Digit8', 'KeyI', 'KeyK', 'Comma'],
  right_ring: ['Digit9', 'KeyO', 'KeyL', 'Period'],
  right_pinky: ['Digit0', 'Minus', 'Equal', 'Backspace', 'KeyP', 'BracketLeft', 'BracketRight', 'Backslash',
    'Semicolon', 'Quote', 'Enter', 'Slash', 'ShiftRight', 'ControlRight'],
};

test('every key of the typing area maps to its standard finger', () => {
  for (const [name, codes] of Object.entries(EXPECTED)) {
    for (const code of codes) assert.is(FINGERS[fingerOf(code)]?.name, name, code);
  }
});

test('the map covers exactly the listed keys, each in one row', () => {
  const mapped = Object.values(KEY_ROWS).flat();
  assert.is(new Set(mapped).size, mapped.length, 'no key in two rows');
  assert.equal([...mapped].sort(), Object.values(EXPECTED).flat().sort());
});

test('unknown codes map to UNKNOWN, never to a guessed finger', () => {
  for (const code of ['F5', 'NumpadAdd', 'Numpad1', '', 'Escape', 'ArrowLeft', 'ContextMenu', 'keya', 'KEYA', 'Unidentified', 'IntlYen']) {
    assert.is(fingerOf(code), Finger.UNKNOWN, JSON.stringify(code));
    assert.is(handOf(code), 'none', JSON.stringify(code));
  }
  assert.is(fingerOf('toString'), Finger.UNKNOWN, 'no prototype lookups');
});

test('finger catalogue: ids 0..10 in order, hands split at the thumbs', () => {
  assert.equal(FINGERS.map((f) => f.id), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(FINGERS.map((f) => f.hand), [...Array(5).fill('left'), ...Array(5).fill('right'), 'none']);
  assert.is(FINGERS[Finger.LEFT_INDEX]?.name, 'left_index');
  assert.is(handOf('KeyT'), 'left');
  assert.is(handOf('KeyY'), 'right');
  assert.is(handOf('Space'), 'right');
});

test('rows and home keys', () => {
  assert.is(rowOf('KeyA'), 'home');
  assert.is(rowOf('Digit5'), 'number');
  assert.is(rowOf('Space'), 'space');
  assert.is(rowOf('F1'), null);
  assert.equal(HOME_KEYS.map(fingerOf), [0, 1, 2, 3, 6, 7, 8, 9]);
});

test('pair classes', () => {
  assert.is(pairClass('KeyF', 'KeyR'), 'same_finger');
  assert.is(pairClass('KeyE', 'KeyD'), 'same_finger');
  assert.is(pairClass('KeyA', 'KeyA'), 'same_finger');
  assert.is(pairClass('Minus', 'KeyP'), 'same_finger');
  assert.is(pairClass('KeyA', 'KeyS'), 'same_hand');
  assert.is(pairClass('KeyT', 'KeyQ'), 'same_hand');
  assert.is(pairClass('KeyJ', 'Semicolon'), 'same_hand');
  assert.is(pairClass('KeyT', 'KeyY'), 'cross_hand');
  assert.is(pairClass('KeyB', 'KeyN'), 'cross_hand');
  assert.is(pairClass('ShiftLeft', 'KeyL'), 'cross_hand');
  assert.is(pairClass('Space', 'KeyJ'), 'same_hand', 'Space counts as the right thumb');
  assert.is(pairClass('KeyA', 'F5'), 'unknown');
  assert.is(pairClass('', 'KeyA'), 'unknown');
});

test('pair classes from stored fingers agree with those from codes; a finger off the table is unknown', () => {
  for (const [a, b] of [['KeyF', 'KeyR'], ['KeyA', 'KeyS'], ['KeyT', 'KeyY'], ['Space', 'KeyJ'], ['KeyA', 'F5']] as const) {
    assert.is(pairClassOfFingers(fingerOf(a), fingerOf(b)), pairClass(a, b));
  }
  assert.is(pairClassOfFingers(3, 42), 'unknown');
  assert.is(pairClassOfFingers(-1, 3), 'unknown');
});

test.run();
