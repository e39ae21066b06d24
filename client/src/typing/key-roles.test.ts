import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyFlags } from '../../../shared/protocol/key-event.ts';
import { consumes, startsTest } from './key-roles.ts';

const rec = (key: string, flags = 0) => ({ type: 0 as const, code: 'KeyA', key, atMs: 0, flags });

test('a character or the first IME key starts a test; shortcuts, repeats and named keys do not', () => {
  assert.ok(startsTest(rec('a')));
  assert.ok(startsTest(rec('A', KeyFlags.SHIFT)));
  assert.ok(startsTest(rec('Process', KeyFlags.COMPOSING)));
  for (const r of [rec('c', KeyFlags.CTRL), rec('a', KeyFlags.REPEAT), rec('Backspace'), rec('ArrowLeft'), rec('F5')]) {
    assert.not.ok(startsTest(r), JSON.stringify(r));
  }
});

test('typing keys are kept from the page; shortcuts, dead keys and IME keys are left to the browser', () => {
  assert.ok(consumes(rec('a')));
  assert.ok(consumes(rec(' ')));
  assert.ok(consumes(rec('Backspace', KeyFlags.CTRL)));
  assert.ok(consumes(rec('@', KeyFlags.CTRL | KeyFlags.ALT)), 'AltGr types characters');
  for (const r of [rec('r', KeyFlags.CTRL), rec('Dead'), rec('Process', KeyFlags.COMPOSING), rec('F5'), rec('v', KeyFlags.META)]) {
    assert.not.ok(consumes(r), JSON.stringify(r));
  }
});

test.run();
