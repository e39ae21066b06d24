import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DEFAULT_DECODE_LIMITS, MAX_CLIENT_CHARS, MAX_SEQ } from './limits.ts';
import { validateMessage } from './message-check.ts';
import { SAMPLE_MESSAGES, SESSION_ID, sampleEvents } from './testing/sample-messages.ts';

function codeOf(value: unknown): string {
  const result = validateMessage(value, DEFAULT_DECODE_LIMITS);
  return result.ok ? 'OK' : result.code;
}

const EVENT = sampleEvents(1)[0]!;
const batchWith = (event: Record<string, unknown>) => ({ t: 3, seq: 1, events: [event] });
const hello = { t: 1, v: 1, sessionId: SESSION_ID, lastAckedSeq: 0, client: '' };

test('accepts every sample message', () => {
  for (const message of SAMPLE_MESSAGES) assert.is(codeOf(message), 'OK', JSON.stringify(message));
});

test('rejects values that are not messages', () => {
  for (const value of [null, undefined, 3, 'hello', [], [1, 2], {}, { t: 0 }, { t: 11 }, { t: '1' }, { t: 1.5 }]) {
    assert.is(codeOf(value), 'INVALID_MESSAGE', JSON.stringify(value));
  }
});

test('rejects key strings PostgreSQL could not store', () => {
  assert.is(codeOf(batchWith({ ...EVENT, key: 'a\0' })), 'INVALID_MESSAGE');
  assert.is(codeOf(batchWith({ ...EVENT, code: '\0' })), 'INVALID_MESSAGE');
  assert.is(codeOf(batchWith({ ...EVENT, key: 'é' })), 'OK');
});

test('rejects objects with a foreign prototype, as a __proto__ key can produce', () => {
  const inherited = Object.create({ seq: 1 }) as Record<string, unknown>;
  inherited.t = 4;
  assert.is(codeOf(inherited), 'INVALID_MESSAGE');
  const { flags: _flags, ...withoutFlags } = EVENT;
  assert.is(codeOf(batchWith(Object.assign(Object.create({ flags: 0 }), withoutFlags))), 'INVALID_MESSAGE');
  assert.is(codeOf(Object.assign(Object.create(null), { t: 4, seq: 1 })), 'INVALID_MESSAGE');
});

test('rejects unknown top-level keys and missing fields', () => {
  assert.is(codeOf({ t: 4, seq: 1, extra: true }), 'INVALID_MESSAGE');
  assert.is(codeOf({ t: 4 }), 'INVALID_MESSAGE');
  assert.is(codeOf({ t: 7, seq: 1, __proto_: {} }), 'INVALID_MESSAGE');
  assert.is(codeOf({ ...hello, lastAckedSeq: undefined }), 'INVALID_MESSAGE');
});

test('rejects wrong types, fractions, NaN, negatives and out-of-range numbers', () => {
  for (const seq of ['1', 1.5, NaN, -1, Infinity, 2 ** 53, null, true]) {
    assert.is(codeOf({ t: 4, seq }), 'INVALID_MESSAGE', String(seq));
  }
  assert.is(codeOf({ t: 3, seq: 0, events: [EVENT] }), 'INVALID_MESSAGE', 'batch seq starts at 1');
  assert.is(codeOf({ t: 3, seq: MAX_SEQ, events: [EVENT] }), 'OK', 'largest seq');
  assert.is(codeOf({ t: 3, seq: MAX_SEQ + 1, events: [EVENT] }), 'INVALID_MESSAGE', 'seqs fit an int4 column');
  assert.is(codeOf({ ...hello, lastAckedSeq: MAX_SEQ + 1 }), 'INVALID_MESSAGE');
  assert.is(codeOf({ ...SAMPLE_MESSAGES[5], accuracy: 1.01 }), 'INVALID_MESSAGE');
  assert.is(codeOf({ ...SAMPLE_MESSAGES[5], wpm: NaN }), 'INVALID_MESSAGE');
  assert.is(codeOf({ ...SAMPLE_MESSAGES[5], windowSec: 0 }), 'INVALID_MESSAGE');
  assert.is(codeOf({ ...SAMPLE_MESSAGES[5], flightMs: -Infinity }), 'INVALID_MESSAGE');
});

test('hello: version, session id and client name', () => {
  assert.is(codeOf(hello), 'OK');
  assert.is(codeOf({ ...hello, v: 2 }), 'UNSUPPORTED_VERSION');
  assert.is(codeOf({ ...hello, v: 0 }), 'UNSUPPORTED_VERSION');
  assert.is(codeOf({ ...hello, v: '1' }), 'INVALID_MESSAGE');
  assert.is(codeOf({ ...hello, sessionId: SESSION_ID.toUpperCase() }), 'INVALID_MESSAGE');
  assert.is(codeOf({ ...hello, sessionId: 'not-a-uuid' }), 'INVALID_MESSAGE');
  assert.is(codeOf({ ...hello, client: 'x'.repeat(MAX_CLIENT_CHARS) }), 'OK');
  assert.is(codeOf({ ...hello, client: 'x'.repeat(MAX_CLIENT_CHARS + 1) }), 'INVALID_MESSAGE');
});

test('error: code must be a stable uppercase code', () => {
  assert.is(codeOf({ t: 5, code: 'SEQUENCE_GAP', message: '', seq: 0 }), 'OK');
  assert.is(codeOf({ t: 5, code: 'sequence_gap', message: '', seq: 0 }), 'INVALID_MESSAGE');
  assert.is(codeOf({ t: 5, code: '', message: '', seq: 0 }), 'INVALID_MESSAGE');
});

test('batch: events must be a non-empty array', () => {
  assert.is(codeOf({ t: 3, seq: 1, events: [] }), 'INVALID_MESSAGE');
  assert.is(codeOf({ t: 3, seq: 1, events: { 0: EVENT } }), 'INVALID_MESSAGE');
  assert.is(codeOf({ t: 3, seq: 1, events: sampleEvents(513) }), 'TOO_MANY_EVENTS');
});

test('key events: every field is checked', () => {
  assert.is(codeOf(batchWith({ ...EVENT })), 'OK');
  const bad: Record<string, unknown>[] = [
    { type: 2 }, { type: '0' }, { code: '' }, { code: 'K'.repeat(33) }, { code: 5 },
    { key: 'k'.repeat(33) }, { key: null }, { offsetUs: -1 }, { offsetUs: 2 ** 53 }, { offsetUs: 0.5 },
    { textPos: -2 }, { textPos: 2 ** 31 }, { isError: 0 }, { flags: 256 }, { flags: -1 }, { flags: 1.5 },
  ];
  for (const change of bad) {
    assert.is(codeOf(batchWith({ ...EVENT, ...change })), 'INVALID_MESSAGE', JSON.stringify(change));
  }
  assert.is(codeOf(batchWith({ ...EVENT, extra: 1 })), 'INVALID_MESSAGE', 'unknown key');
  const { flags: _flags, ...missing } = EVENT;
  assert.is(codeOf(batchWith(missing)), 'INVALID_MESSAGE', 'missing key');
  assert.is(codeOf(batchWith({ ...EVENT, textPos: -1, key: '', flags: 255 })), 'OK', 'boundaries');
});

test('the failure message names the offending event', () => {
  const events = [...sampleEvents(3), { ...EVENT, flags: 300 }];
  const result = validateMessage({ t: 3, seq: 1, events }, DEFAULT_DECODE_LIMITS);
  assert.ok(!result.ok && result.message.includes('events[3]') && result.message.includes('flags'));
});

test.run();
