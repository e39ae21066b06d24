import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { BatchFingerprints, fingerprint } from './batch-fingerprints.ts';
import type { KeyEvent } from '../../../shared/protocol/key-event.ts';

const base: KeyEvent = { type: 0, code: 'KeyA', key: 'a', offsetUs: 2 ** 40 + 5, textPos: 7, isError: false, flags: 2 };
const CHANGES: Array<Partial<KeyEvent>> = [
  { type: 1 }, { code: 'KeyB' }, { key: 'A' }, { key: '' }, { offsetUs: 2 ** 40 + 6 }, { offsetUs: 2 ** 41 + 5 }, { offsetUs: 5 },
  { textPos: -1 }, { textPos: 8 }, { isError: true }, { flags: 3 }, { flags: 2 + 256 }, { code: 'KeyAa' }, { key: 'é' },
];

test('a change to any one field of any one event changes the fingerprint', () => {
  const batch = [base, { ...base, offsetUs: base.offsetUs + 1 }, { ...base, type: 1 as const }];
  const original = fingerprint(batch);
  for (const change of CHANGES) {
    for (let i = 0; i < batch.length; i++) {
      const changed = batch.map((e, j) => (j === i ? { ...e, ...change } : e));
      if (JSON.stringify(changed) === JSON.stringify(batch)) continue; // the event had that value
      assert.is.not(fingerprint(changed), original, `${JSON.stringify(change)} at ${i}`);
    }
  }
  assert.is.not(fingerprint(batch.slice(0, 2)), original, 'an event fewer');
  assert.is.not(fingerprint([batch[1]!, batch[0]!, batch[2]!]), original, 'two events swapped');
  assert.is(fingerprint(batch.map((e) => ({ ...e }))), original, 'the same content, other objects');
});

test('a seq received again conflicts only when its content differs', () => {
  const seen = new BatchFingerprints();
  seen.remember(3, [base]);
  assert.is(seen.conflicts(3, [{ ...base }]), false);
  assert.is(seen.conflicts(3, [{ ...base, key: 'b' }]), true);
  assert.is(seen.conflicts(4, [{ ...base, key: 'b' }]), false, 'a seq never received conflicts with nothing');
});

test('the last 1,024 batches are remembered, from any first seq, and no more', () => {
  const seen = new BatchFingerprints();
  const first = 2 ** 31 - 3000; // a resumed session starts past 1; seqs go up to 2^31-1
  const batch = (seq: number) => [{ ...base, offsetUs: seq }];
  for (let seq = first; seq < first + 2000; seq++) seen.remember(seq, batch(seq));
  const last = first + 1999;
  for (let seq = last - 1023; seq <= last; seq++) {
    assert.is(seen.conflicts(seq, batch(seq)), false, `${seq} is the same content`);
    assert.is(seen.conflicts(seq, batch(seq + 1)), true, `${seq} is remembered`);
  }
  assert.is(seen.conflicts(last - 1024, batch(last)), false, 'older batches are forgotten');
  assert.is(seen.conflicts(first, batch(last)), false);
});

test.run();
