/**
 * Strict shape validation of a decoded message: exactly the catalogue's
 * fields, each of the right type and range. Used on binary frames after
 * msgpack decoding, and directly on Socket.IO payloads.
 */
import type { ErrorCode } from './codes.ts';
import {
  asFields,
  isCount,
  isSeq,
  isFiniteBetween,
  isFiniteNumber,
  isIntBetween,
  isSessionId,
  isText,
  keyCount,
  type Fields,
} from './field-checks.ts';
import { keyEventProblem } from './key-event-check.ts';
import {
  MAX_CLIENT_CHARS,
  MAX_ERROR_CODE_CHARS,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_SEQ,
  MAX_SERVER_ID_CHARS,
  type DecodeLimits,
} from './limits.ts';
import { MESSAGE_NAMES, MessageType, type Message } from './messages.ts';
import { PROTOCOL_VERSION } from './version.ts';
import { MESSAGE_FIELDS } from './wire-fields.ts';

export type ValidationErrorCode = Extract<
  ErrorCode,
  'INVALID_MESSAGE' | 'TOO_MANY_EVENTS' | 'UNSUPPORTED_VERSION'
>;
export type ValidationResult =
  | { ok: true; message: Message }
  | { ok: false; code: ValidationErrorCode; message: string };

type FieldsProblem = (fields: Fields) => string | null;

const ERROR_CODE = /^[A-Z][A-Z0-9_]*$/;

const FIELD_PROBLEMS: Record<MessageType, FieldsProblem> = {
  [MessageType.Hello]: (m) =>
    !isSessionId(m.sessionId) ? 'sessionId must be a lowercase UUID'
    : !isSeq(m.lastAckedSeq) ? `lastAckedSeq must be an integer in 0..${MAX_SEQ}`
    : !isText(m.client, 0, MAX_CLIENT_CHARS) ? `client must be a string of 0..${MAX_CLIENT_CHARS} chars`
    : null,
  [MessageType.Welcome]: (m) =>
    !isIntBetween(m.v, 1, Number.MAX_SAFE_INTEGER) ? 'v must be an integer >= 1'
    : !isSessionId(m.sessionId) ? 'sessionId must be a lowercase UUID'
    : !isSeq(m.committedSeq) ? `committedSeq must be an integer in 0..${MAX_SEQ}`
    : !isText(m.serverId, 1, MAX_SERVER_ID_CHARS) ? `serverId must be a string of 1..${MAX_SERVER_ID_CHARS} chars`
    : !isIntBetween(m.maxEventsPerBatch, 1, Number.MAX_SAFE_INTEGER) ? 'maxEventsPerBatch must be an integer >= 1'
    : !isIntBetween(m.maxFrameBytes, 1, Number.MAX_SAFE_INTEGER) ? 'maxFrameBytes must be an integer >= 1'
    : !isIntBetween(m.framesPerSecond, 1, Number.MAX_SAFE_INTEGER) ? 'framesPerSecond must be an integer >= 1'
    : !isIntBetween(m.frameBurst, 1, Number.MAX_SAFE_INTEGER) ? 'frameBurst must be an integer >= 1'
    : null,
  // Batch events are checked by batchProblem, which knows the limits.
  [MessageType.Batch]: (m) =>
    !isIntBetween(m.seq, 1, MAX_SEQ) ? `seq must be an integer in 1..${MAX_SEQ}`
    : !Array.isArray(m.events) ? 'events must be an array'
    : null,
  [MessageType.Ack]: (m) => (isSeq(m.seq) ? null : `seq must be an integer in 0..${MAX_SEQ}`),
  [MessageType.Error]: (m) =>
    !isText(m.code, 1, MAX_ERROR_CODE_CHARS) || !ERROR_CODE.test(m.code)
      ? `code must be an uppercase code of 1..${MAX_ERROR_CODE_CHARS} chars`
    : !isText(m.message, 0, MAX_ERROR_MESSAGE_CHARS) ? `message must be a string of 0..${MAX_ERROR_MESSAGE_CHARS} chars`
    : !isSeq(m.seq) ? `seq must be an integer in 0..${MAX_SEQ}`
    : null,
  [MessageType.Stats]: (m) =>
    !isSessionId(m.sessionId) ? 'sessionId must be a lowercase UUID'
    : !isFiniteBetween(m.windowSec, Number.MIN_VALUE, Number.MAX_VALUE) ? 'windowSec must be a number > 0'
    : !isFiniteBetween(m.wpm, 0, Number.MAX_VALUE) ? 'wpm must be a finite number >= 0'
    : !isFiniteBetween(m.rawWpm, 0, Number.MAX_VALUE) ? 'rawWpm must be a finite number >= 0'
    : !isFiniteBetween(m.accuracy, 0, 1) ? 'accuracy must be a number in 0..1'
    : !isFiniteBetween(m.dwellMs, 0, Number.MAX_VALUE) ? 'dwellMs must be a finite number >= 0'
    : !isFiniteNumber(m.flightMs) ? 'flightMs must be a finite number'
    : !isCount(m.keystrokes) ? 'keystrokes must be an integer >= 0'
    : null,
  [MessageType.End]: (m) => (isSeq(m.seq) ? null : `seq must be an integer in 0..${MAX_SEQ}`),
  [MessageType.Ended]: (m) => (isSeq(m.committedSeq) ? null : `committedSeq must be an integer in 0..${MAX_SEQ}`),
  [MessageType.Throttle]: (m) => (isCount(m.retryAfterMs) ? null : 'retryAfterMs must be an integer >= 0'),
  [MessageType.Watch]: (m) => (isSessionId(m.sessionId) ? null : 'sessionId must be a lowercase UUID'),
  [MessageType.Ping]: (m) => (isIntBetween(m.n, 0, MAX_SEQ) ? null : `n must be an integer in 0..${MAX_SEQ}`),
  [MessageType.Pong]: (m) => (isIntBetween(m.n, 0, MAX_SEQ) ? null : `n must be an integer in 0..${MAX_SEQ}`),
  [MessageType.Presence]: (m) => (isIntBetween(m.typist, 0, 2) ? null : 'typist must be 0 (live), 1 (offline) or 2 (ended)'),
};

export function validateMessage(value: unknown, limits: Pick<DecodeLimits, 'maxEventsPerBatch'>): ValidationResult {
  const fields = asFields(value);
  if (fields === null) return invalid('message must be a map or record');
  const t = fields.t;
  if (!isIntBetween(t, MessageType.Hello, MessageType.Presence)) return invalid('t must be a known message type');
  const type = t as MessageType;
  // A version mismatch is reported before anything else, so a newer client
  // whose hello has other fields still learns the real reason.
  if (type === MessageType.Hello && fields.v !== PROTOCOL_VERSION) {
    return isCount(fields.v)
      ? { ok: false, code: 'UNSUPPORTED_VERSION', message: `protocol version ${fields.v} is not supported; this server speaks ${PROTOCOL_VERSION}` }
      : invalid('hello: v must be an integer >= 0');
  }
  const problem = FIELD_PROBLEMS[type](fields);
  if (problem !== null) return invalid(`${MESSAGE_NAMES[type]}: ${problem}`);
  const expected = MESSAGE_FIELDS[type];
  if (keyCount(fields) !== expected.length) {
    return invalid(`${MESSAGE_NAMES[type]}: must have exactly the fields ${expected.join(', ')}`);
  }
  if (type === MessageType.Batch) {
    const failure = batchProblem(fields.events as unknown[], limits.maxEventsPerBatch);
    if (failure !== null) return failure;
  }
  return { ok: true, message: fields as unknown as Message };
}

function batchProblem(events: unknown[], maxEvents: number): ValidationResult | null {
  if (events.length === 0) return invalid('batch: events must not be empty');
  if (events.length > maxEvents) {
    return { ok: false, code: 'TOO_MANY_EVENTS', message: `batch: ${events.length} events, at most ${maxEvents} allowed` };
  }
  for (let i = 0; i < events.length; i++) {
    const problem = keyEventProblem(events[i]);
    if (problem !== null) return invalid(`batch: events[${i}] ${problem}`);
  }
  return null;
}

function invalid(message: string): ValidationResult {
  return { ok: false, code: 'INVALID_MESSAGE', message };
}
