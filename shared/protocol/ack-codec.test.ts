import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packr } from 'msgpackr';
import { decodeCanonicalAck, encodeAck } from './ack-codec.ts';
import { decodeGeneral, decodeMessage, encodeMessage } from './codec.ts';
import { DEFAULT_DECODE_LIMITS, MAX_SEQ } from './limits.ts';
import { MessageType } from './messages.ts';
import { SeededRandom } from '../seeded-random.ts';
import { mutate } from './testing/frame-mutations.ts';

// The hand-written ack must be byte for byte what msgpackr writes, and its reader must never
// disagree with the general path.

const packr = new Packr({ useRecords: true });
const EDGES = [0, 1, 0x3f, 0x40, 0x41, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0xffffff, 0x1000000, MAX_SEQ - 1, MAX_SEQ];

test('an ack is the bytes msgpackr writes for { t: 4, seq }, at every encoding boundary and at random', () => {
  const random = new SeededRandom(0xac_0001);
  const seqs = [...EDGES, ...Array.from({ length: 2000 }, () => random.below(MAX_SEQ + 1)), ...Array.from({ length: 500 }, () => random.below(70_000))];
  for (const seq of seqs) {
    const expected = Uint8Array.from(packr.pack({ t: MessageType.Ack, seq }));
    assert.equal(encodeAck(seq), expected, `seq ${seq}`);
    assert.equal(encodeMessage({ t: MessageType.Ack, seq }), expected, `encodeMessage, seq ${seq}`);
    assert.equal(decodeCanonicalAck(expected, DEFAULT_DECODE_LIMITS), { t: MessageType.Ack, seq });
    assert.equal(decodeMessage(expected), decodeGeneral(expected, DEFAULT_DECODE_LIMITS));
  }
});

test('an ack the protocol refuses is left to the general path, which names the error', () => {
  for (const seq of [MAX_SEQ + 1, 2 ** 32 - 1]) {
    const bytes = Uint8Array.from(packr.pack({ t: MessageType.Ack, seq }));
    assert.is(decodeCanonicalAck(bytes, DEFAULT_DECODE_LIMITS), undefined, `seq ${seq}`);
    const general = decodeMessage(bytes);
    assert.is(general.ok, false);
  }
  const tight = encodeAck(5);
  assert.is(decodeCanonicalAck(tight, { maxDepth: 1, maxValues: 100 }), undefined, 'nesting the scan would refuse');
  assert.equal(decodeMessage(tight, { ...DEFAULT_DECODE_LIMITS, maxDepth: 1 }), decodeGeneral(tight, { ...DEFAULT_DECODE_LIMITS, maxDepth: 1 }));
  assert.is(encodeMessage({ t: MessageType.Ack, seq: -1 }).length > 0, true, 'an out-of-range seq still encodes (through msgpackr)');
});

test('mutated acks: whatever the fast reader accepts, the general path accepts alike', () => {
  const random = new SeededRandom(0xac_0002);
  const seeds = EDGES.map((seq) => encodeAck(seq));
  let taken = 0;
  for (let i = 0; i < 20_000; i++) {
    const bytes = mutate(random, random.pick(seeds));
    const fast = decodeCanonicalAck(bytes, DEFAULT_DECODE_LIMITS);
    if (fast === undefined) continue;
    taken++;
    const general = decodeGeneral(bytes, DEFAULT_DECODE_LIMITS);
    assert.ok(general.ok, `mutation #${i}: the fast reader accepted what the general path refuses`);
    if (general.ok) assert.equal(fast, general.message, `mutation #${i}`);
  }
  assert.ok(taken > 50, `only ${taken} mutations were still acks`);
});

test.run();
