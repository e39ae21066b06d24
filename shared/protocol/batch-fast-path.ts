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
import type { KeyEvent } from './key-event.ts';
import { MAX_CODE_CHARS, MAX_FLAGS, MAX_KEY_CHARS, MAX_SEQ, MAX_TEXT_POS, type DecodeLimits } from './limits.ts';
import { MessageType, type BatchMessage } from './messages.ts';
import { isValidUtf8 } from './utf8.ts';
import { AsciiStrings } from './ascii-strings.ts';

/** The record definition of a batch, [t, seq, events] as id 0x40, then t = 3. */
const BATCH_HEAD = Uint8Array.of(0xd4, 0x72, 0x40, 0x93, 0xa1, 0x74, 0xa3, 0x73, 0x65, 0x71, 0xa6, 0x65, 0x76, 0x65, 0x6e, 0x74, 0x73, MessageType.Batch);
/** The record definition of a key event as id 0x41, fields in KEY_EVENT_FIELDS order. */
const EVENT_RECORD = Uint8Array.of(
  0xd4, 0x72, 0x41, 0x97,
  0xa4, 0x74, 0x79, 0x70, 0x65, // type
  0xa4, 0x63, 0x6f, 0x64, 0x65, // code
  0xa3, 0x6b, 0x65, 0x79, // key
  0xa8, 0x6f, 0x66, 0x66, 0x73, 0x65, 0x74, 0x55, 0x73, // offsetUs
  0xa7, 0x74, 0x65, 0x78, 0x74, 0x50, 0x6f, 0x73, // textPos
  0xa7, 0x69, 0x73, 0x45, 0x72, 0x72, 0x6f, 0x72, // isError
  0xa5, 0x66, 0x6c, 0x61, 0x67, 0x73, // flags
);
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

/**
 * An unsigned integer as msgpackr writes one up to 2^32-1; FAILED for any other token. With
 * records on, 0x40-0x7f are record references (a plain fixint only where no record is
 * defined), so msgpackr writes 64-127 as uint8 and never sends those bytes as numbers.
 */
function readUint(): number {
  const token = src[pos++]!;
  if (token < 0x40) return token;
  let value: number;
  switch (token) {
    case 0xcc: value = src[pos]!; pos += 1; break;
    case 0xcd: value = (src[pos]! << 8) | src[pos + 1]!; pos += 2; break;
    case 0xce: value = ((src[pos]! << 24) >>> 0) + ((src[pos + 1]! << 16) | (src[pos + 2]! << 8) | src[pos + 3]!); pos += 4; break;
    default: return FAILED;
  }
  return pos <= src.length ? value : FAILED;
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
