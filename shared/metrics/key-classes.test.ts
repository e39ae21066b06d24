import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { codePointLength, isCharacterKeystroke, typesCharacter } from './key-classes.ts';
import { KeyFlags } from '../protocol/key-event.ts';

const KEYS = ['a', 'é', '🙂', '\ud83d', '\ude42', '\ude42\ud83d', 'ab', 'e\u0301', 'Shift', '', '🙂🙂', 'a🙂', '\ud83d\ud83d'];

test('typesCharacter takes a key as one character exactly when it is one code point', () => {
  for (const key of KEYS) assert.is(typesCharacter(0, key), codePointLength(key) === 1, JSON.stringify(key));
});

test('shortcuts and compositions type no character; Ctrl+Alt (AltGr) does', () => {
  assert.is(typesCharacter(KeyFlags.CTRL, 'c'), false);
  assert.is(typesCharacter(KeyFlags.META, 'c'), false);
  assert.is(typesCharacter(KeyFlags.COMPOSING, 'a'), false);
  assert.is(typesCharacter(KeyFlags.CTRL | KeyFlags.ALT, '@'), true);
  assert.is(typesCharacter(KeyFlags.SHIFT, 'A'), true);
});

test('isCharacterKeystroke: a keydown, no repeat, no modifier, and typesCharacter', () => {
  const down = { type: 0 as const, code: 'KeyA', key: 'a', flags: 0 };
  assert.is(isCharacterKeystroke(down), true);
  assert.is(isCharacterKeystroke({ ...down, type: 1 }), false);
  assert.is(isCharacterKeystroke({ ...down, flags: KeyFlags.REPEAT }), false);
  assert.is(isCharacterKeystroke({ ...down, code: 'ShiftLeft', key: 'Shift' }), false);
});

test.run();
