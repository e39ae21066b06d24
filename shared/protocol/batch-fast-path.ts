/**
 * One pass over the bytes for the frame ingest receives most: a batch exactly as codec.ts
 * writes it (msgpackr records, fields in wire order, the encodings msgpackr picks), read and
 * checked together. The general path (scanFrame, then msgpackr, then validateMessage) walks
 * such a frame three times and spent ~16 us on 64 events, the largest share of the ingest
 * process's CPU per event (profiled 2026-12-05).
 *
 * Anything else returns undefined and takes the general path, which then decides, and names
 * the error: plain maps, other integer encodings, a value out of range, a string that is not
 * strict UTF-8 or holds U+0000, a frame the limits refuse. So this path accepts nothing the
 * general one would refuse and returns what it would return (tested against it on random and
 * mutated frames, batch-fast-path.test.ts).
 */
import { KEY_EVENT_FIELDS, type KeyEvent } from './key-event.ts';
import { MAX_CODE_CHARS, MAX_FLAGS, MAX_KEY_CHARS, MAX_SEQ, MAX_TEXT_POS, type DecodeLimits } from './limits.ts';
import { MessageType, type BatchMessage } from './messages.ts';
import { isValidUtf8 } from './utf8.ts';
import { AsciiStrings } from './ascii-strings.ts';
import { recordDefinition, uintAt, uintSize } from './msgpackr-bytes.ts';
import { MESSAGE_FIELDS } from './wire-fields.ts';

/** The record definition of a batch, [t, seq, events] as id 0x40, then t = 3. */
const BATCH_HEAD = Uint8Array.of(...recordDefinition(0x40, MESSAGE_FIELDS[MessageType.Batch]), MessageType.Batch);
/** The record definition of a key event as id 0x41, fields in wire order. */
const EVENT_RECORD = Uint8Array.of(...recordDefinition(0x41, KEY_EVENT_FIELDS));
const EVENT_REFERENCE = 0x41;
/** What the general scanner counts for the frame around the events, and per event at most. */
const FRAME_VALUES = 8;
const VALUES_PER_EVENT = 16;
/** The general scanner needs this much nesting: message, events, event. */
const DEPTH_NEEDED = 4;
// Below every value a read can return, textPos -1 included.
const FAILED = -2;

const strings = new AsciiStrings();
const utf8 = new TextDecoder();
const NOTHING = new Uint8Array(0);
/** Where a float64's bytes are put together: past 2^32 us (71 minutes) every offset is one. */
const float64 = new DataView(new ArrayBuffer(8));
// The frame being read. Decoding is synchronous and never re-entered.
let src: Uint8Array = NOTHING;
let pos = 0;

export function decodeCanonicalBatch(bytes: Uint8Array, limits: Pick<DecodeLimits, 'maxEventsPerBatch' | 'maxDepth' | 'maxValues'>): BatchMessage | undefined {
  if (bytes.length < BATCH_HEAD.length + 2 + EVENT_RECORD.length || limits.maxDepth < DEPTH_NEEDED) return undefined;
  for (let i = 0; i < BATCH_HEAD.length; i++) if (bytes[i] !== BATCH_HEAD[i]) return undefined;
  src = bytes;
  pos = BATCH_HEAD.length;
  try {
    const seq = readUint();
    if (seq < 1 || seq > MAX_SEQ) return undefined;
    const count = readArrayLength();
    if (count < 1 || count > limits.maxEventsPerBatch || FRAME_VALUES + count * VALUES_PER_EVENT > limits.maxValues) return undefined;
    for (let i = 0; i < EVENT_RECORD.length; i++) if (bytes[pos + i] !== EVENT_RECORD[i]) return undefined;
    pos += EVENT_RECORD.length;
    const events = new Array<KeyEvent>(count);
    for (let n = 0; n < count; n++) {
      if (n > 0 && src[pos++] !== EVENT_REFERENCE) return undefined;
      const event = readEvent();
      if (event === undefined) return undefined;
      events[n] = event;
    }
    if (pos !== bytes.length) return undefined;
    return { t: MessageType.Batch, seq, events };
  } finally {
    src = NOTHING; // the frame is not kept alive by the reader
  }
}

function readEvent(): KeyEvent | undefined {
  const type = src[pos++];
  if (type !== 0 && type !== 1) return undefined;
  const code = readText(1, MAX_CODE_CHARS);
  if (code === undefined) return undefined;
  const key = readText(0, MAX_KEY_CHARS);
  if (key === undefined) return undefined;
  const offsetUs = readOffset();
  if (offsetUs === FAILED) return undefined;
  const textPos = src[pos] === 0xff ? (pos++, -1) : readUint();
  if (textPos === FAILED || textPos > MAX_TEXT_POS) return undefined;
  const error = src[pos++];
  if (error !== 0xc2 && error !== 0xc3) return undefined;
  const flags = readUint();
  if (flags === FAILED || flags > MAX_FLAGS) return undefined;
  return { type, code, key, offsetUs, textPos, isError: error === 0xc3, flags };
}

/** An unsigned integer as msgpackr writes one up to 2^32-1 (msgpackr-bytes.ts); FAILED for any other token. */
function readUint(): number {
  const size = uintSize(src[pos]);
  if (size === 0 || pos + size > src.length) return FAILED;
  const value = uintAt(src, pos);
  pos += size;
  return value;
}

/** An offset: an unsigned integer, or the float64 msgpackr writes past 2^32, if it is a whole number up to 2^53-1. */
function readOffset(): number {
  if (src[pos] !== 0xcb) return readUint();
  if (pos + 9 > src.length) return FAILED;
  for (let i = 0; i < 8; i++) float64.setUint8(i, src[pos + 1 + i]!);
  const value = float64.getFloat64(0);
  pos += 9;
  return Number.isSafeInteger(value) && value >= 0 ? value : FAILED;
}

function readArrayLength(): number {
  const token = src[pos++]!;
  if (token >= 0x90 && token <= 0x9f) return token - 0x90;
  if (token !== 0xdc || pos + 2 > src.length) return FAILED;
  const length = (src[pos]! << 8) | src[pos + 1]!;
  pos += 2;
  return length;
}

/** A str of minChars..maxChars UTF-16 units, strict UTF-8 and without U+0000; undefined otherwise. */
function readText(minChars: number, maxChars: number): string | undefined {
  const token = src[pos++]!;
  let length: number;
  if (token >= 0xa0 && token <= 0xbf) length = token - 0xa0;
  else if (token === 0xd9 && pos < src.length) length = src[pos++]!;
  else return undefined;
  const start = pos;
  const end = start + length;
  if (end > src.length) return undefined;
  pos = end;
  let ascii = true;
  for (let i = start; i < end; i++) {
    const b = src[i]!;
    if (b === 0) return undefined;
    if (b >= 0x80) ascii = false;
  }
  // ASCII: one UTF-16 unit a byte. Otherwise the count is only known once decoded.
  if (ascii) return length >= minChars && length <= maxChars ? strings.get(src, start, end) : undefined;
  if (!isValidUtf8(src, start, end)) return undefined;
  const text = utf8.decode(src.subarray(start, end));
  return text.length >= minChars && text.length <= maxChars ? text : undefined;
}
