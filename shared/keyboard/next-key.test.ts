import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Finger, fingerOf } from '../metrics/fingers.ts';
import { KEYBOARD_LAYOUTS } from '../practice/options.ts';
import { keyFor } from './next-key.ts';

test('every letter and the space have a key with a known finger in every layout', () => {
  for (const layout of KEYBOARD_LAYOUTS) {
    for (const char of 'abcdefghijklmnopqrstuvwxyz ABCXYZ') {
      const press = keyFor(char, layout);
      assert.ok(press, `${layout} has no key for ${char}`);
      assert.is.not(fingerOf(press.code), Finger.UNKNOWN, `${layout} ${char}`);
    }
  }
});

test('the finger follows the physical key: the same letter moves with the layout', () => {
  assert.equal(keyFor('a', 'qwerty-us'), { code: 'KeyA', shiftCode: null });
  assert.equal(keyFor('a', 'azerty'), { code: 'KeyQ', shiftCode: null });
  assert.equal(keyFor('z', 'qwertz'), { code: 'KeyY', shiftCode: null });
  assert.equal(keyFor('o', 'dvorak'), { code: 'KeyS', shiftCode: null });
  assert.equal(keyFor('e', 'colemak'), { code: 'KeyK', shiftCode: null });
});

test('a shifted character asks for the Shift of the other hand', () => {
  assert.equal(keyFor('A', 'qwerty-us'), { code: 'KeyA', shiftCode: 'ShiftRight' });
  assert.equal(keyFor('P', 'qwerty-us'), { code: 'KeyP', shiftCode: 'ShiftLeft' });
  assert.equal(keyFor('!', 'qwerty-us'), { code: 'Digit1', shiftCode: 'ShiftRight' });
  assert.equal(keyFor('1', 'azerty'), { code: 'Digit1', shiftCode: 'ShiftRight' });
});

test('a character no single key types has no next key', () => {
  assert.is(keyFor('ê', 'qwerty-us'), null);
});

test.run();
