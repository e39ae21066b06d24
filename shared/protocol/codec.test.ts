import { Packr, Unpackr } from 'msgpackr';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeMessage, encodeMessage, type DecodeResult } from './codec.ts';
import { decodeLimits, MAX_EVENTS_PER_BATCH, MAX_FRAME_BYTES } from './limits.ts';
import { MESSAGE_NAMES, MessageType, type BatchMessage, type Message } from './messages.ts';
import { SAMPLE_MESSAGES, SESSION_ID, sampleEvents } from './testing/sample-messages.ts';

function decoded(bytes: Uint8Array): Message {
  const result = decodeMessage(bytes);
  if (!result.ok) throw new Error(`expected ok, got ${result.code}: ${result.message}`);
  return result.message;
}

function failure(result: DecodeResult): { code: string; message: string } {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.message)}`);
  return result;
}

/** Encodes arbitrary objects as a peer with its own msgpackr settings would. */
function packWith(options: ConstructorParameters<typeof Packr>[0], value: unknown): Uint8Array {
  return new Packr(options).pack(value);
}

for (const message of SAMPLE_MESSAGES) {
  test(`round-trips ${MESSAGE_NAMES[message.t]} (t=${message.t})`, () => {
    assert.equal(decoded(encodeMessage(message)), message);
  });
}

test('every message type has a sample', () => {
  assert.equal(SAMPLE_MESSAGES.map((m) => m.t), Object.values(MessageType));
});

test(`a batch of ${MAX_EVENTS_PER_BATCH} events round-trips within the frame limit`, () => {
  const batch: BatchMessage = { t: 3, seq: 42, events: sampleEvents(MAX_EVENTS_PER_BATCH) };
  const bytes = encodeMessage(batch);
  assert.ok(bytes.length <= MAX_FRAME_BYTES, `${bytes.length} bytes`);
  assert.equal(decoded(bytes), batch);
});

test('frames are self-describing: a reused encoder writes definitions into every frame', () => {
  const frames = SAMPLE_MESSAGES.map((m) => encodeMessage(m));
  const again = SAMPLE_MESSAGES.map((m) => encodeMessage(m));
  for (let i = 0; i < frames.length; i++) {
    // Identical bytes on re-encoding means no state carried over between pack() calls ...
    assert.equal(Array.from(again[i]!), Array.from(frames[i]!));
    assert.is(frames[i]![0], 0xd4, 'starts with a record definition');
  }
  // ... and decoding out of order works because nothing is shared between frames.
  for (let i = frames.length - 1; i >= 0; i--) assert.equal(decoded(frames[i]!), SAMPLE_MESSAGES[i]);
});

test('decodes frames from a fresh Packr per message and from one reused Packr', () => {
  const reused = new Packr({ useRecords: true });
  const batch: BatchMessage = { t: 3, seq: 7, events: sampleEvents(20) };
  const fromReused = [reused.pack(batch), reused.pack(batch), reused.pack({ t: 4, seq: 7 })];
  const fromFresh = [packWith({ useRecords: true }, batch), packWith({ useRecords: true }, { t: 4, seq: 7 })];
  assert.equal(Array.from(fromReused[1]!), Array.from(fromReused[0]!));
  assert.equal(decoded(fromReused[2]!), { t: 4, seq: 7 });
  assert.equal(decoded(fromReused[1]!), batch);
  assert.equal(decoded(fromFresh[0]!), batch);
  assert.equal(decoded(fromFresh[1]!), { t: 4, seq: 7 });
});

test('a Packr with shared structures is not self-describing and is rejected', () => {
  const sharing = new Packr({ useRecords: true, structures: [] });
  sharing.pack({ t: 4, seq: 1 });
  const second = sharing.pack({ t: 4, seq: 2 });
  assert.is(failure(decodeMessage(second)).code, 'MALFORMED_FRAME');
});

test('accepts plain msgpack maps, as a client in another language would send', () => {
  const plain = packWith({ useRecords: false }, { t: 3, seq: 1, events: sampleEvents(4) });
  assert.ok(!plain.includes(0xd4), 'no record extension bytes');
  assert.equal(decoded(plain), { t: 3, seq: 1, events: sampleEvents(4) });
  // 0x40–0x7f are plain integers while no record is defined in their slot.
  assert.equal(decoded(Uint8Array.of(0x82, 0xa1, 0x74, 0x04, 0xa3, 0x73, 0x65, 0x71, 0x64)), { t: 4, seq: 100 });
});

test('encoding writes only catalogue fields, in catalogue order', () => {
  const sloppy = { t: 4, seq: 3, extra: 'dropped' } as Message;
  assert.equal(decoded(encodeMessage(sloppy)), { t: 4, seq: 3 });
  const reordered = { seq: 3, t: 4 } as Message;
  assert.equal(Array.from(encodeMessage(reordered)), Array.from(encodeMessage({ t: 4, seq: 3 })));
});

test('encoded frames stay intact after later encodes', () => {
  const first = encodeMessage({ t: 4, seq: 1 });
  const snapshot = Array.from(first);
  for (let i = 0; i < 2000; i++) encodeMessage({ t: 3, seq: i + 1, events: sampleEvents(8) });
  assert.equal(Array.from(first), snapshot);
});

test('rejects frames over maxFrameBytes before looking at them', () => {
  const big = new Uint8Array(MAX_FRAME_BYTES + 1).fill(0xc1);
  assert.is(failure(decodeMessage(big)).code, 'FRAME_TOO_LARGE');
  const batch = encodeMessage({ t: 3, seq: 1, events: sampleEvents(100) });
  assert.is(failure(decodeMessage(batch, decodeLimits({ maxFrameBytes: 100 }))).code, 'FRAME_TOO_LARGE');
});

test('rejects more events than maxEventsPerBatch with TOO_MANY_EVENTS', () => {
  const bytes = packWith({ useRecords: true }, { t: 3, seq: 1, events: sampleEvents(MAX_EVENTS_PER_BATCH + 1) });
  assert.is(failure(decodeMessage(bytes, decodeLimits({ maxFrameBytes: 1 << 20 }))).code, 'TOO_MANY_EVENTS');
  const small = encodeMessage({ t: 3, seq: 1, events: sampleEvents(11) });
  assert.is(failure(decodeMessage(small, decodeLimits({ maxEventsPerBatch: 10 }))).code, 'TOO_MANY_EVENTS');
});

test('rejects a hello with another protocol version as UNSUPPORTED_VERSION', () => {
  const hello = { t: 1, v: 2, sessionId: SESSION_ID, lastAckedSeq: 0, client: '' };
  const result = failure(decodeMessage(packWith({ useRecords: true }, hello)));
  assert.is(result.code, 'UNSUPPORTED_VERSION');
  // Reported even when a future hello has fields this version does not know.
  const future = { ...hello, v: 3, resumeToken: 'abc' };
  assert.is(failure(decodeMessage(packWith({ useRecords: true }, future))).code, 'UNSUPPORTED_VERSION');
});

test('frames that scan but are not msgpack values end as MALFORMED_FRAME', () => {
  // A record definition whose values are missing, and an empty frame.
  assert.is(failure(decodeMessage(Uint8Array.of(0xd4, 0x72, 0x40, 0x91, 0xa1, 0x74))).code, 'MALFORMED_FRAME');
  assert.is(failure(decodeMessage(new Uint8Array(0))).code, 'MALFORMED_FRAME');
});

test('decoded numbers never become BigInt: int64 within 2^53 is accepted, beyond is rejected', () => {
  const unpacked = new Unpackr({ useRecords: true }).unpack(packWith({ useRecords: true }, { t: 4, seq: 1 }));
  assert.equal(unpacked, { t: 4, seq: 1 });
  // throttle {retryAfterMs: uint64}
  const throttle = (high: number, low: number) =>
    Uint8Array.of(0x82, 0xa1, 0x74, 0x09, 0xac, ...ascii('retryAfterMs'), 0xcf, ...u32(high), ...u32(low));
  assert.equal(decoded(throttle(0x1f_ffff, 0xffff_ffff)), { t: 9, retryAfterMs: Number.MAX_SAFE_INTEGER });
  assert.is(failure(decodeMessage(throttle(0x20_0000, 1))).code, 'INVALID_MESSAGE');
});

function ascii(text: string): number[] {
  return Array.from(new TextEncoder().encode(text));
}

function u32(value: number): number[] {
  return [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

test.run();
