import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packr } from 'msgpackr';
import { decodeCanonicalBatch } from './batch-fast-path.ts';
import { decodeGeneral, decodeMessage, encodeMessage } from './codec.ts';
import type { KeyEvent } from './key-event.ts';
import { DEFAULT_DECODE_LIMITS, MAX_SEQ, MAX_TEXT_POS, type DecodeLimits } from './limits.ts';
import { MessageType, type BatchMessage } from './messages.ts';
import { SeededRandom } from '../seeded-random.ts';
import { mutate } from './testing/frame-mutations.ts';

// The fast path must never disagree with the general one: whatever it accepts, the general
// path accepts with the same message; whatever it declines, the general path decides.

const CASES = 4000;
// Each list starts with the values the protocol accepts; `wild` draws from the rest too.
const TEXTS = ['KeyA', 'a', 'A', 'ShiftLeft', 'Shift', 'Backspace', ' ', 'é', 'ß', '🙂', 'Dead', '"\\', 'x'.repeat(32), 'é'.repeat(32), '🙂'.repeat(16), '', 'ü'.repeat(33), 'K'.repeat(33), 'a\u0000b', '\ud800'];
const OFFSETS = [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER, 2 ** 53, 1.5, -1, -0];
const POSITIONS = [-1, 0, 1, 127, 128, 65536, MAX_TEXT_POS, MAX_TEXT_POS + 1, -2];
const FLAGS = [0, 1, 127, 128, 255, 256, -1];
const SEQS = [1, 2, 127, 128, 65536, MAX_SEQ, MAX_SEQ + 1, 0];

/** `wildness`: the chance that a field is drawn from every value, not only accepted ones. */
function randomEvent(random: SeededRandom, wildness: number): KeyEvent {
  const field = <T>(all: readonly T[], accepted: number): T => pick(random, all, wildness, accepted);
  return {
    type: (random.next() < wildness / 4 ? 2 : random.below(2)) as 0 | 1,
    code: field(TEXTS, 15),
    key: field(TEXTS, 16), // a key may be empty
    offsetUs: field(OFFSETS, 12),
    textPos: field(POSITIONS, 7),
    isError: random.below(2) === 1,
    flags: field(FLAGS, 5),
  };
}

function randomBatch(random: SeededRandom, wildness: number): BatchMessage {
  const count = 1 + random.below(random.below(8) === 0 ? 300 : 40);
  return { t: MessageType.Batch, seq: pick(random, SEQS, wildness, 6), events: Array.from({ length: count }, () => randomEvent(random, wildness)) };
}

function pick<T>(random: SeededRandom, all: readonly T[], wildness: number, accepted: number): T {
  return all[random.below(random.next() < wildness ? all.length : accepted)]!;
}

function agree(bytes: Uint8Array, limits: DecodeLimits, label: string): boolean {
  const fast = decodeCanonicalBatch(bytes, limits);
  const general = decodeGeneral(bytes, limits);
  if (fast === undefined) return false;
  assert.ok(general.ok, `${label}: fast path accepted what the general path refuses: ${general.ok ? '' : general.message}`);
  if (general.ok) assert.equal(fast, general.message, label);
  return true;
}

test('batches as codec.ts writes them take the fast path and decode as the general path decodes them', () => {
  const random = new SeededRandom(0xba7c_0001);
  let fast = 0;
  for (let i = 0; i < CASES; i++) {
    const batch = randomBatch(random, 0);
    const bytes = encodeMessage(batch);
    assert.ok(agree(bytes, DEFAULT_DECODE_LIMITS, `tame #${i}`), `tame #${i} declined: ${JSON.stringify(batch).slice(0, 300)}`);
    fast++;
  }
  assert.is(fast, CASES);
});

test('out-of-range values, other encodings and tight limits are left to the general path, which names the error', () => {
  const random = new SeededRandom(0xba7c_0002);
  let declined = 0;
  let taken = 0;
  for (let i = 0; i < CASES; i++) {
    const bytes = encodeMessage(randomBatch(random, 0.01));
    const limits: DecodeLimits = random.below(4) === 0
      ? { ...DEFAULT_DECODE_LIMITS, maxEventsPerBatch: random.below(60), maxDepth: 2 + random.below(4), maxValues: random.below(800) }
      : DEFAULT_DECODE_LIMITS;
    if (agree(bytes, limits, `wild #${i}`)) taken++;
    else declined++;
    assert.equal(decodeMessage(bytes, limits), decodeGeneral(bytes, limits), `wild #${i}: decodeMessage is the general path's answer`);
  }
  assert.ok(declined > CASES / 4 && taken > CASES / 10, `declined ${declined}, taken ${taken}: both paths must be exercised`);
});

test('mutated batch frames: whatever the fast path accepts, the general path accepts alike', () => {
  const random = new SeededRandom(0xba7c_0003);
  const seeds = Array.from({ length: 40 }, () => Uint8Array.from(encodeMessage(randomBatch(random, 0))));
  let taken = 0;
  for (let i = 0; i < CASES * 5; i++) {
    if (agree(mutate(random, random.pick(seeds)), DEFAULT_DECODE_LIMITS, `mutation #${i}`)) taken++;
  }
  assert.ok(taken > 100, `only ${taken} mutations took the fast path`);
});

test('0x40-0x7f where a number goes are record references to msgpackr, never numbers to the fast path', () => {
  const event: KeyEvent = { type: 0, code: 'KeyA', key: 'a', offsetUs: 5, textPos: 0, isError: false, flags: 0 };
  const frame = encodeMessage({ t: MessageType.Batch, seq: 1, events: [event] });
  assert.is(frame.at(-1), 0, 'flags is the last byte');
  for (const byte of [0x40, 0x41, 0x42, 0x7f]) {
    const bytes = Uint8Array.from(frame);
    bytes[bytes.length - 1] = byte;
    assert.is(decodeCanonicalBatch(bytes, DEFAULT_DECODE_LIMITS), undefined, `0x${byte.toString(16)}`);
  }
  const reference = Uint8Array.from(frame);
  reference[reference.length - 1] = 0x41; // the event record: flags would be an object
  assert.is(decodeMessage(reference).ok, false);
});

test('a batch written as plain maps, not records, decodes through the general path', () => {
  const event: KeyEvent = { type: 0, code: 'KeyA', key: 'a', offsetUs: 5, textPos: 0, isError: false, flags: 0 };
  const bytes = new Packr({ useRecords: false }).pack({ t: MessageType.Batch, seq: 1, events: [event] });
  assert.is(decodeCanonicalBatch(bytes, DEFAULT_DECODE_LIMITS), undefined);
  assert.equal(decodeMessage(bytes), { ok: true, message: { t: MessageType.Batch, seq: 1, events: [event] } });
});

test.run();
