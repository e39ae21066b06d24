/**
 * Binary frame codec: one message per WebSocket binary frame, msgpack with
 * msgpackr records. Every frame is self-describing (its record definitions
 * are inline), so frames decode in any order and no state is shared between
 * them.
 */
import { Packr, Unpackr } from 'msgpackr';
import type { ErrorCode } from './codes.ts';
import { decodeCanonicalAck, encodeAck } from './ack-codec.ts';
import { decodeCanonicalBatch } from './batch-fast-path.ts';
import { scanFrame } from './frame-scan.ts';
import { KEY_EVENT_FIELDS, type KeyEvent } from './key-event.ts';
import { DEFAULT_DECODE_LIMITS, type DecodeLimits } from './limits.ts';
import { isSeq } from './field-checks.ts';
import { validateMessage } from './message-check.ts';
import { MessageType, type Message } from './messages.ts';
import { MESSAGE_FIELDS } from './wire-fields.ts';

export type DecodeErrorCode = Extract<
  ErrorCode,
  'FRAME_TOO_LARGE' | 'MALFORMED_FRAME' | 'INVALID_MESSAGE' | 'TOO_MANY_EVENTS' | 'UNSUPPORTED_VERSION'
>;
export type DecodeResult =
  | { ok: true; message: Message }
  | { ok: false; code: DecodeErrorCode; message: string };

// No `structures` option: a Packr without shared structures restarts its
// record ids at 0x40 on every pack() and writes each definition inline.
const packr = new Packr({ useRecords: true });
// int64AsType 'number': 64-bit ints become numbers, never BigInts; the
// validator then rejects anything beyond 2^53-1.
const unpackr = new Unpackr({ useRecords: true, mapsAsObjects: true, int64AsType: 'number' });

/**
 * Encodes exactly the catalogue fields of `message`, in wire order. The
 * returned bytes are a view into msgpackr's output buffer that later calls
 * never overwrite.
 */
export function encodeMessage(message: Message): Uint8Array {
  if (message.t === MessageType.Ack && isSeq(message.seq)) return encodeAck(message.seq);
  return packr.pack(toWire(message));
}

export function decodeMessage(
  bytes: Uint8Array,
  limits: DecodeLimits = DEFAULT_DECODE_LIMITS,
): DecodeResult {
  if (bytes.length > limits.maxFrameBytes) {
    return {
      ok: false,
      code: 'FRAME_TOO_LARGE',
      message: `frame of ${bytes.length} bytes exceeds ${limits.maxFrameBytes}`,
    };
  }
  const fast = decodeCanonicalBatch(bytes, limits) ?? decodeCanonicalAck(bytes, limits);
  return fast ? { ok: true, message: fast } : decodeGeneral(bytes, limits);
}

/** Any frame: scanned, decoded by msgpackr, then validated (batch-fast-path.ts takes most batches first). */
export function decodeGeneral(bytes: Uint8Array, limits: DecodeLimits): DecodeResult {
  const scan = scanFrame(bytes, limits);
  if (!scan.ok) return scan;
  let value: unknown;
  try {
    value = unpackr.unpack(bytes);
  } catch (error) {
    // The scan should make this unreachable; it stays as the last line of defence.
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, code: 'MALFORMED_FRAME', message: `msgpack decode failed: ${reason}` };
  }
  return validateMessage(value, limits);
}

type WireObject = Record<string, unknown>;

function toWire(message: Message): WireObject {
  const wire = pick(message, MESSAGE_FIELDS[message.t]);
  if (message.t === MessageType.Batch) {
    wire.events = message.events.map((event: KeyEvent) => pick(event, KEY_EVENT_FIELDS));
  }
  return wire;
}

function pick(source: object, fields: readonly string[]): WireObject {
  const wire: WireObject = {};
  for (const field of fields) wire[field] = (source as WireObject)[field];
  return wire;
}
