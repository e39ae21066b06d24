import { Packr, Unpackr } from 'msgpackr';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeMessage, encodeMessage, type DecodeResult } from './codec.ts';
import { scanFrame } from './frame-scan.ts';
import { DEFAULT_DECODE_LIMITS } from './limits.ts';
import { SAMPLE_MESSAGES, sampleEvents } from './testing/sample-messages.ts';
import { SeededRandom } from '../seeded-random.ts';
import { mutate } from './testing/frame-mutations.ts';

const CASES = 20_000;
const unpackr = new Unpackr({ useRecords: true, mapsAsObjects: true, int64AsType: 'number' });
/** Valid frames to mutate, plus msgpackr's two-byte record form, which messages never need. */
const twoByteRecords = Array.from({ length: 70 }, (_, i) => ({ [`k${i}`]: i }));
const SEEDS = [
  ...SAMPLE_MESSAGES.map((message) => encodeMessage(message)),
  encodeMessage({ t: 3, seq: 9, events: sampleEvents(40) }),
  new Packr({ useRecords: true, maxOwnStructures: 100 }).pack([...twoByteRecords, ...twoByteRecords.slice(30)]),
].map((bytes) => Uint8Array.from(bytes));

interface Tally {
  scanned: number;
  decoded: number;
}

/** Decodes `bytes` and checks every invariant that must hold for any input whatsoever. */
function checkInvariants(bytes: Uint8Array, tally: Tally, label: string): void {
  let result: DecodeResult;
  try {
    result = decodeMessage(bytes);
  } catch (error) {
    assert.unreachable(`${label}: decodeMessage threw ${String(error)}`);
    return;
  }
  assert.type(result.ok, 'boolean', label);
  if (!result.ok) assert.type(result.message, 'string', label);

  // What the scan accepts, msgpackr must decode without error and into plain data only.
  if (scanFrame(bytes, DEFAULT_DECODE_LIMITS).ok) {
    tally.scanned++;
    let value: unknown;
    try {
      value = unpackr.unpack(bytes);
    } catch (error) {
      assert.unreachable(`${label}: scan accepted ${hex(bytes)} but msgpackr threw ${String(error)}`);
    }
    assert.ok(isPlainData(value), `${label}: non-plain value from ${hex(bytes)}`);
  }
  if (result.ok) {
    tally.decoded++;
    const again = decodeMessage(encodeMessage(result.message));
    assert.ok(again.ok, `${label}: accepted message does not survive re-encoding`);
    if (again.ok) assert.equal(again.message, result.message, label);
  }
}

function isPlainData(value: unknown): boolean {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return true;
  if (typeof value === 'number') return true;
  if (Array.isArray(value)) return value.every(isPlainData);
  if (typeof value !== 'object' || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every(isPlainData);
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, 64), (b) => b.toString(16).padStart(2, '0')).join('');
}

test('every seed frame passes the scan, so mutations start from valid input', () => {
  for (const seed of SEEDS) assert.ok(scanFrame(seed, DEFAULT_DECODE_LIMITS).ok, hex(seed));
});

test(`${CASES} random byte strings never throw`, () => {
  const random = new SeededRandom(0x5eed_0001);
  const tally: Tally = { scanned: 0, decoded: 0 };
  for (let i = 0; i < CASES; i++) {
    const length = random.below(4) === 0 ? random.below(600) : random.below(24);
    const bytes = random.bytes(length);
    // Start half of them with a map or record header so the walk gets past the first byte.
    if (length > 0 && i % 2 === 0) bytes[0] = random.pick([0x82, 0x83, 0x85, 0xd4, 0x92, 0xde]);
    if (length > 2 && bytes[0] === 0xd4) bytes[1] = 0x72;
    checkInvariants(bytes, tally, `random #${i}`);
  }
  assert.ok(tally.scanned > 100, `scan accepted only ${tally.scanned} random inputs`);
});

test(`${CASES} mutations of valid frames never throw`, () => {
  const random = new SeededRandom(0x5eed_0002);
  const tally: Tally = { scanned: 0, decoded: 0 };
  for (let i = 0; i < CASES; i++) checkInvariants(mutate(random, random.pick(SEEDS)), tally, `mutation #${i}`);
  // The mutations must reach deep: many still scan, and some are even valid messages.
  assert.ok(tally.scanned > CASES / 50, `scan accepted only ${tally.scanned} mutations`);
  assert.ok(tally.decoded > 50, `only ${tally.decoded} mutations decoded`);
});

test.run();
