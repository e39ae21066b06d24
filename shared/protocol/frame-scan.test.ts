import { Packr, Unpackr } from 'msgpackr';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeMessage } from './codec.ts';
import { scanFrame, type ScanResult } from './frame-scan.ts';
import { DEFAULT_DECODE_LIMITS, MAX_EVENTS_PER_BATCH } from './limits.ts';
import { SAMPLE_MESSAGES, sampleEvents } from './testing/sample-messages.ts';

const scan = (bytes: Uint8Array): ScanResult => scanFrame(bytes, DEFAULT_DECODE_LIMITS);
const frame = (...parts: (number | number[])[]): Uint8Array => Uint8Array.from(parts.flat());
const ascii = (text: string): number[] => Array.from(new TextEncoder().encode(text));
/** `{t: 4, seq: <value bytes>}` as a plain map, so a value can be planted one level down. */
const inAck = (value: number[]): Uint8Array => frame(0x82, 0xa1, ...ascii('t'), 0x04, 0xa3, ...ascii('seq'), value);
const unpackr = new Unpackr({ useRecords: true, mapsAsObjects: true, int64AsType: 'number' });

function rejects(bytes: Uint8Array, reason: RegExp, label = ''): void {
  const result = scan(bytes);
  if (result.ok) assert.unreachable(`accepted ${label}`);
  else assert.match(result.message, reason, label);
}

function accepts(bytes: Uint8Array, label = ''): void {
  const result = scan(bytes);
  assert.ok(result.ok, `${label}: ${result.ok ? '' : result.message}`);
}

test('accepts every encoded message and a full batch', () => {
  for (const message of SAMPLE_MESSAGES) accepts(encodeMessage(message), `t=${message.t}`);
  accepts(encodeMessage({ t: 3, seq: 1, events: sampleEvents(MAX_EVENTS_PER_BATCH) }), 'full batch');
  accepts(new Packr({ useRecords: false }).pack({ t: 3, seq: 1, events: sampleEvents(MAX_EVENTS_PER_BATCH) }), 'plain maps');
});

test('rejects the extension types msgpackr would turn into objects', () => {
  const packr = new Packr({ useRecords: true, moreTypes: true, useBigIntExtension: true });
  const planted: [string, unknown, RegExp][] = [
    ['Error (0x65)', new Error('x'), /extension type 101/],
    ['RegExp (0x78)', /a/g, /extension type 120/],
    ['Set (0x73)', new Set([1]), /extension type 115/],
    ['typed array (0x74)', new Float32Array([1]), /extension type 116/],
    ['BigInt (0x42)', 2n ** 70n, /extension type 66/],
    ['Date (timestamp -1)', new Date(1_700_000_000_123), /extension type -1/],
  ];
  for (const [label, value, reason] of planted) rejects(packr.pack({ t: 4, seq: value }), reason, label);
  rejects(inAck([0xd6, 0xff, 0, 0, 0, 0]), /extension type -1/, 'timestamp32');
  rejects(inAck([0xc7, 12, 0xff, ...new Array(12).fill(0)]), /extension type -1/, 'timestamp96');
  rejects(inAck([0xd4, 0x00, 0x00]), /extension type 0/, 'undefined (ext 0)');
  rejects(inAck([0xd5, 0x69, 0, 0]), /extension type 105/, 'fixext2 other than records');
  rejects(inAck([0xd4, 0x65]), /not accepted/, 'truncated ext');
});

test('rejects bin in every width', () => {
  rejects(inAck([0xc4, 1, 0]), /bin/);
  rejects(inAck([0xc5, 0, 1, 0]), /bin/);
  rejects(inAck([0xc6, 0, 0, 0, 1, 0]), /bin/);
  rejects(new Packr({ useRecords: true }).pack({ t: 4, seq: new Uint8Array([1]) }), /bin/, 'packed Uint8Array');
});

test('rejects declared lengths larger than the bytes remaining', () => {
  rejects(inAck([0xdb, 0xff, 0xff, 0xff, 0xff, 0x61]), /past the end/, 'str32');
  rejects(inAck([0xda, 0x01, 0x00, 0x61]), /past the end/, 'str16');
  rejects(inAck([0xd9, 0x05, 0x61]), /past the end/, 'str8');
  rejects(inAck([0xa5, 0x61]), /past the end/, 'fixstr');
  rejects(inAck([0xdd, 0x7f, 0xff, 0xff, 0xff, 0x00]), /declared 2147483647 values/, 'array32');
  rejects(inAck([0xdc, 0xff, 0xff, 0x00]), /declared 65535 values/, 'array16');
  rejects(inAck([0xdf, 0x10, 0x00, 0x00, 0x00, 0xa1, 0x61]), /declared 536870912 values/, 'map32');
  rejects(inAck([0x93, 0x00]), /declared 3 values/, 'fixarray');
  rejects(inAck([0xdd, 0x00]), /truncated length/, 'length itself cut off');
  rejects(inAck([0xcb, 0, 0, 0]), /past the end/, 'float64 cut off');
});

test('nesting: the depth of a batch passes, one more level does not', () => {
  accepts(frame(0x91, 0x91, 0x91, 0x01), 'depth 4');
  rejects(frame(0x91, 0x91, 0x91, 0x91, 0x01), /nesting deeper than 4/, 'depth 5');
  accepts(frame(0x91, 0x91, 0x91, 0x90), 'empty container at depth 4');
  const bomb = new Uint8Array(60_000).fill(0x91);
  bomb[bomb.length - 1] = 0x00;
  rejects(bomb, /nesting deeper/, 'array bomb');
  const mapBomb = frame(...new Array(5000).fill([0x81, 0xa1, 0x61]).flat(), 0x00);
  rejects(mapBomb, /nesting deeper/, 'map bomb');
});

test('rejects prototype-polluting keys in maps and record definitions', () => {
  for (const key of ['__proto__', 'constructor', 'prototype']) {
    rejects(frame(0x81, 0xa0 + key.length, ascii(key), 0x01), /forbidden key/, `map key ${key}`);
    rejects(frame(0x81, 0xd9, key.length, ascii(key), 0x01), /forbidden key/, `str8 map key ${key}`);
    rejects(frame(0xd4, 0x72, 0x40, 0x91, 0xa0 + key.length, ascii(key), 0x01), /forbidden key/, `record key ${key}`);
  }
  accepts(frame(0x81, 0xa8, ascii('__proto_'), 0x01), 'near miss');
  rejects(frame(0x81, 0x01, 0x02), /not a string/, 'integer map key');
  rejects(frame(0xd4, 0x72, 0x40, 0x91, 0x01, 0x01), /not a string/, 'integer record key');
});

test('rejects trailing bytes, empty input, truncation and the reserved byte', () => {
  rejects(frame(Array.from(encodeMessage({ t: 4, seq: 1 })), 0x00), /1 trailing bytes/);
  rejects(new Uint8Array(0), /empty/);
  rejects(inAck([0xc1]), /0xc1/);
  for (const message of SAMPLE_MESSAGES) {
    const bytes = encodeMessage(message);
    for (let cut = 1; cut < bytes.length; cut++) assert.not.ok(scan(bytes.subarray(0, cut)).ok, `t=${message.t} cut at ${cut}`);
  }
});

test('rejects more values than maxValues', () => {
  const values = DEFAULT_DECODE_LIMITS.maxValues;
  accepts(frame(0xdc, (values - 1) >> 8, (values - 1) & 0xff, new Array(values - 1).fill(0)), 'at the limit');
  rejects(frame(0xdc, values >> 8, values & 0xff, new Array(values).fill(0)), /more than/, 'one over');
  assert.not.ok(scanFrame(encodeMessage({ t: 3, seq: 1, events: sampleEvents(10) }), { maxDepth: 4, maxValues: 50 }).ok);
});

test('record definitions: ids, key arrays and references', () => {
  const def = [0xd4, 0x72, 0x40, 0x91, 0xa1, 0x61];
  accepts(frame(0x93, def, 0x01, 0x40, 0x02, 0x40, 0x03), 'definition then references');
  assert.equal(unpackr.unpack(frame(0x93, def, 0x01, 0x40, 0x02, 0x40, 0x03)), [{ a: 1 }, { a: 2 }, { a: 3 }]);
  accepts(frame(0x92, 0x41, 0x7f), 'bytes 0x40-0x7f without a definition are integers');
  rejects(frame(0x92, def, 0x01, 0x40), /declared 1 values but only 0 bytes/, 'reference without its values');
  rejects(frame(0xd4, 0x72, 0x05, 0x91, 0xa1, 0x61, 0x01), /bad record id/, 'id outside 0x40-0x7f');
  rejects(frame(0xd5, 0x72, 0x45, 0x00, 0x91, 0xa1, 0x61, 0x01), /bad record id/, 'two-byte id outside 0x60-0x7f');
  rejects(frame(0xd4, 0x72, 0x40, 0x01, 0x01), /no key array/, 'keys not an array');
  const seventeen = new Array(17).fill(0).map((_, i) => [0xa2, 0x6b, 0x61 + i]).flat();
  rejects(frame(0xd4, 0x72, 0x40, 0xdc, 0x00, 17, seventeen, new Array(17).fill(0)), /more than 16 keys/);
});

test('two-byte record ids as msgpackr writes them with more than 64 structures', () => {
  const shapes = Array.from({ length: 80 }, (_, i) => ({ [`k${i}`]: i }));
  const value = [...shapes, ...shapes]; // second half references the first
  for (const options of [{ useRecords: true, maxOwnStructures: 100 }, { useRecords: true }]) {
    const bytes = new Packr(options).pack(value);
    accepts(bytes, JSON.stringify(options));
    assert.equal(unpackr.unpack(bytes), value);
  }
  const wideBytes = new Packr({ useRecords: true, maxOwnStructures: 100 }).pack(value);
  assert.ok(wideBytes.includes(0xd5), 'uses fixext2 definitions');
});

test('two-byte references: high byte 0 names the slot, others need a definition', () => {
  const wideDef = [0xd5, 0x72, 0x60, 0x00, 0x91, 0xa1, 0x61, 0x01];
  accepts(frame(0x92, wideDef, 0x60, 0x00, 0x05), 'high byte 0');
  assert.equal(unpackr.unpack(frame(0x92, wideDef, 0x60, 0x00, 0x05)), [{ a: 1 }, { a: 5 }]);
  rejects(frame(0x92, wideDef, 0x60, 0x01, 0x05), /undefined record/, 'high byte 1, id 64 undefined');
  rejects(frame(0x92, wideDef, 0x60), /truncated record reference/, 'missing high byte');
  const highDef = [0xd5, 0x72, 0x60, 0x01, 0x91, 0xa1, 0x62, 0x02];
  const viaHigh = frame(0x93, wideDef, highDef, 0x60, 0x01, 0x07);
  accepts(viaHigh, 'id 64 through slot 32');
  assert.equal(unpackr.unpack(viaHigh), [{ a: 1 }, { b: 2 }, { b: 7 }]);
});

test.run();
