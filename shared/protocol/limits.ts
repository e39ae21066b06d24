/**
 * Size limits of the ingest protocol. The decoder enforces them before and
 * while it builds objects, so a hostile frame costs at most O(frame bytes).
 */

/** Largest binary frame accepted; also advertised in `welcome.maxFrameBytes`. */
export const MAX_FRAME_BYTES = 65536;

/** Most key events in one batch; also advertised in `welcome.maxEventsPerBatch`. */
export const MAX_EVENTS_PER_BATCH = 512;

/**
 * Deepest nesting of a valid message, counting the message itself as 1:
 * batch (1) → events array (2) → key event (3) → its fields (4).
 */
export const MAX_DEPTH = 4;

/**
 * msgpack values a frame may hold per allowed event. A key event sent as a
 * plain map costs 15 (the map, 7 keys, 7 values), as a record 8; the slack
 * covers the envelope and record definitions.
 */
export const VALUES_PER_EVENT_BUDGET = 16;

/** Keys in one record definition; the widest message (stats) has 9. */
export const MAX_RECORD_KEYS = 16;

/** UTF-8 bytes of a map key or record key; the longest real key is 17. */
export const MAX_KEY_BYTES = 64;

/** String limits, in UTF-16 code units (JavaScript `length`). */
export const MAX_CLIENT_CHARS = 64;
export const MAX_CODE_CHARS = 32;
export const MAX_KEY_CHARS = 32;
export const MAX_SERVER_ID_CHARS = 64;
export const MAX_ERROR_CODE_CHARS = 64;
export const MAX_ERROR_MESSAGE_CHARS = 512;

/** `KeyEvent.flags` is one byte. */
export const MAX_FLAGS = 255;

/** `KeyEvent.textPos` fits a 32-bit signed column (keystrokes.text_pos). */
export const MAX_TEXT_POS = 2 ** 31 - 1;

/** Batch seqs fit a 32-bit signed column (keystrokes.batch_seq, committed_seq). */
export const MAX_SEQ = 2 ** 31 - 1;

export interface DecodeLimits {
  maxFrameBytes: number;
  maxEventsPerBatch: number;
  maxDepth: number;
  /** Total msgpack values (containers, keys, scalars) in one frame. */
  maxValues: number;
}

/** Builds limits with `maxValues` derived from the batch size unless given. */
export function decodeLimits(overrides: Partial<DecodeLimits> = {}): DecodeLimits {
  const maxEventsPerBatch = overrides.maxEventsPerBatch ?? MAX_EVENTS_PER_BATCH;
  return {
    maxFrameBytes: overrides.maxFrameBytes ?? MAX_FRAME_BYTES,
    maxEventsPerBatch,
    maxDepth: overrides.maxDepth ?? MAX_DEPTH,
    maxValues: overrides.maxValues ?? maxEventsPerBatch * VALUES_PER_EVENT_BUDGET + 64,
  };
}

export const DEFAULT_DECODE_LIMITS: Readonly<DecodeLimits> = Object.freeze(decodeLimits());

/**
 * Longest session, in microseconds of the session clock: 6 hours. `offsetUs` counts from the
 * session's first keydown, so no offset may exceed this. Everything the analytics derive per
 * second or per window of a session is bounded by it (at most 21,600 seconds), which is what
 * keeps one session's report from costing minutes of CPU and gigabytes of temp files.
 */
export const MAX_SESSION_SPAN_US = 6 * 3600 * 1_000_000;
