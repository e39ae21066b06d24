/**
 * Error codes (in `error` messages and decode results) and WebSocket close
 * codes. Every error message is followed by a close whose code has the same
 * name (INTERNAL_ERROR: 1011), so a client logs one vocabulary and decides
 * about reconnecting from the close code alone.
 */

/** Stable uppercase codes; the meaning strings are for docs and logs. */
export const ERROR_CODES = {
  // Transient: the client reconnects with backoff and resends unacked batches.
  SERVER_SHUTDOWN: 'the server is restarting or shutting down',
  SERVER_OVERLOADED: 'the server refuses new work for now',
  SLOW_CONSUMER: 'the client did not read server messages fast enough',
  DATABASE_UNAVAILABLE: 'batches cannot be committed right now',
  IDLE_TIMEOUT: 'no hello (or watch) within the hello deadline (INGEST_HELLO_TIMEOUT_S, 10 s) of connecting; pings do not count',
  THROTTLE_IGNORED: 'the client kept sending far beyond the frame budget after throttle, or sent too much before welcome',
  INTERNAL_ERROR: 'an unexpected server fault; the batch was not committed',
  // Permanent: reconnecting with the same data would fail the same way.
  UNSUPPORTED_VERSION: 'hello.v is not a protocol version this server speaks',
  MALFORMED_FRAME: 'the frame is not msgpack in the accepted subset',
  FRAME_TOO_LARGE: 'the frame exceeds maxFrameBytes',
  TOO_MANY_EVENTS: 'a batch holds more than maxEventsPerBatch events',
  INVALID_MESSAGE: 'a message has a wrong type, missing or extra field, or out-of-range value',
  SESSION_FORBIDDEN: 'the ticket does not grant access to this session',
  SESSION_TAKEN_OVER: 'another connection said hello for the same session',
  SEQUENCE_GAP: 'a seq is more than one past the highest seq received (batch), or end.seq does not match it',
  SESSION_ENDED: 'the session already ended; no more batches are accepted',
  HELLO_REQUIRED: 'the first message on a connection must be hello (or watch)',
  RATE_LIMITED: 'reserved: the ingest server no longer sends it; a frame rate over the budget gets throttle, then THROTTLE_IGNORED',
  UNKNOWN_SESSION: 'no session with this id exists',
  UNEXPECTED_MESSAGE: 'the message type is not allowed in this direction or state',
  SESSION_TOO_LONG: 'an event offset is beyond the longest session (MAX_SESSION_SPAN_US, 6 hours)',
  OFFSET_DECREASED: 'an event offset is before the previous event of the session',
  EVENT_QUOTA_EXCEEDED: 'the user stored as many events today as the server allows',
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/** Standard WebSocket close codes the client may see (RFC 6455 §7.4.1). */
export const STANDARD_CLOSE_CODES = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  NO_STATUS: 1005,
  ABNORMAL: 1006,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
} as const;

/**
 * Application close codes. 4000–4099: reconnect with backoff and resend
 * unacked batches. 4100–4199: do not reconnect; surface the failure.
 */
export const CLOSE_CODES = {
  SERVER_SHUTDOWN: 4000,
  SERVER_OVERLOADED: 4001,
  SLOW_CONSUMER: 4002,
  DATABASE_UNAVAILABLE: 4003,
  IDLE_TIMEOUT: 4004,
  THROTTLE_IGNORED: 4005,

  UNSUPPORTED_VERSION: 4100,
  MALFORMED_FRAME: 4101,
  FRAME_TOO_LARGE: 4102,
  TOO_MANY_EVENTS: 4103,
  INVALID_MESSAGE: 4104,
  SESSION_FORBIDDEN: 4105,
  SESSION_TAKEN_OVER: 4106,
  SEQUENCE_GAP: 4107,
  SESSION_ENDED: 4108,
  HELLO_REQUIRED: 4109,
  RATE_LIMITED: 4110,
  UNKNOWN_SESSION: 4111,
  UNEXPECTED_MESSAGE: 4112,
  SESSION_TOO_LONG: 4113,
  OFFSET_DECREASED: 4114,
  EVENT_QUOTA_EXCEEDED: 4115,
} as const satisfies Record<Exclude<ErrorCode, 'INTERNAL_ERROR'>, number>;
export type CloseCodeName = keyof typeof CLOSE_CODES;

/** The close code that follows an error with this code. */
export function closeCodeFor(code: ErrorCode): number {
  if (code === 'INTERNAL_ERROR') return STANDARD_CLOSE_CODES.INTERNAL_ERROR;
  return CLOSE_CODES[code];
}

const TRANSIENT_STANDARD_CODES: ReadonlySet<number> = new Set([
  STANDARD_CLOSE_CODES.GOING_AWAY,
  // A close frame without a status (e.g. a bare end() on the server) is
  // indistinguishable from a drop, so it is treated like one.
  STANDARD_CLOSE_CODES.NO_STATUS,
  STANDARD_CLOSE_CODES.ABNORMAL,
  STANDARD_CLOSE_CODES.INTERNAL_ERROR,
  STANDARD_CLOSE_CODES.SERVICE_RESTART,
  STANDARD_CLOSE_CODES.TRY_AGAIN_LATER,
]);

/**
 * Whether a client should reconnect (with backoff) after this close code.
 * Unknown codes do not reconnect: a loop against a permanent refusal helps
 * nobody, and the client still holds its unacked batches so it knows what
 * was not stored.
 */
export function shouldReconnect(closeCode: number): boolean {
  if (closeCode >= 4000 && closeCode <= 4099) return true;
  if (closeCode >= 4100 && closeCode <= 4199) return false;
  return TRANSIENT_STANDARD_CODES.has(closeCode);
}
