import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { KeyFlags } from '../../../shared/protocol/key-event.ts';
import { flagsOf } from './key-flags.ts';
import { normaliseCode, normaliseKey } from './key-record.ts';
import { SessionClock } from './session-clock.ts';

const base = { repeat: false, shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, isComposing: false, key: 'a' };

test('flags carry modifiers, repeat, caps lock and composition', () => {
  assert.is(flagsOf(base), 0);
  assert.is(flagsOf({ ...base, shiftKey: true, repeat: true }), KeyFlags.SHIFT | KeyFlags.REPEAT);
  assert.is(flagsOf({ ...base, ctrlKey: true, altKey: true, metaKey: true }), KeyFlags.CTRL | KeyFlags.ALT | KeyFlags.META);
  assert.is(flagsOf({ ...base, getModifierState: (k: string) => k === 'CapsLock' }), KeyFlags.CAPS_LOCK);
  assert.is(flagsOf({ ...base, isComposing: true }), KeyFlags.COMPOSING);
  assert.is(flagsOf({ ...base, key: 'Process' }), KeyFlags.COMPOSING, "Chromium's first IME key");
});

test('codes and keys fit the protocol', () => {
  assert.is(normaliseCode(''), 'Unidentified');
  assert.is(normaliseKey('x'.repeat(40)).length, 32);
});

test('the session clock counts integer microseconds from the first keydown and never goes back', () => {
  const clock = new SessionClock();
  clock.start(1000.25);
  clock.start(5000); // ignored
  assert.is(clock.offsetUs(1000.25), 0);
  assert.is(clock.offsetUs(1100.1234), 99873);
  assert.is(clock.offsetUs(1050), 99873, 'an earlier timestamp takes the previous offset');
  assert.is(clock.elapsedMs(1500.25), 500);
});

test.run();
