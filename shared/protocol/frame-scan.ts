/**
 * Strict pre-scan of a raw frame, run before msgpackr decodes anything.
 * msgpackr's Unpackr would otherwise build Errors, RegExps, Sets, typed
 * arrays or BigInts from extension types and act on declared lengths. This
 * walks the bytes once, iteratively, with a fixed-size stack and no
 * per-frame allocation on success, and accepts only the subset PROTOCOL.md
 * documents: nil, booleans, ints, floats, str, array, map with string keys,
 * and msgpackr record definitions/references.
 */
import { type DecodeLimits } from './limits.ts';
import { RecordTable } from './record-table.ts';
import { isValidUtf8 } from './utf8.ts';
import { keyScanFailure, lastRecordKeyCount, readLength, scanKey, scanRecordKeys } from './frame-scan-keys.ts';

export type ScanResult =
  | { ok: true }
  | { ok: false; code: 'MALFORMED_FRAME'; message: string };

/** msgpackr's record-definition extension type, "r". */
const RECORD_EXT = 0x72;
/** Stack depth the scanner can track; larger maxDepth values are clamped. */
const STACK_CAPACITY = 32;

const ACCEPTED: ScanResult = Object.freeze({ ok: true });

// Scanning is synchronous and never re-entered, so one set of buffers serves every call.
const remaining = new Uint32Array(STACK_CAPACITY + 1);
const isMapLevel = new Uint8Array(STACK_CAPACITY + 1);
const records = new RecordTable();

export function scanFrame(
  bytes: Uint8Array,
  limits: Pick<DecodeLimits, 'maxDepth' | 'maxValues'>,
): ScanResult {
  const end = bytes.length;
  if (end === 0) return reject('empty frame');
  const maxDepth = Math.min(limits.maxDepth, STACK_CAPACITY);
  records.reset();
  let pos = 0;
  let depth = 0; // open containers; the value being read sits at depth + 1
  let values = 0;

  for (;;) {
    if (pos >= end) return reject(`truncated: value expected at byte ${pos}`);
    if (++values > limits.maxValues) return reject(`more than ${limits.maxValues} values`);
    let children = 0;
    let opensMap = false;

    if (depth > 0 && isMapLevel[depth] === 1 && (remaining[depth]! & 1) === 0) {
      pos = scanKey(bytes, pos);
      if (pos < 0) return reject(keyScanFailure());
    } else {
      const token = bytes[pos]!;
      if (token < 0x40 || token >= 0xe0) {
        pos += 1; // positive / negative fixint
      } else if (token < 0x80) {
        const slot = token - 0x40;
        children = records.slotKeyCount(slot);
        pos += 1;
        if (children < 0) {
          children = 0; // no record in this slot: msgpackr reads a plain fixint
        } else if (records.isWide(slot)) {
          if (pos >= end) return reject(`truncated record reference at byte ${pos - 1}`);
          const high = bytes[pos++]!;
          if (high > 0) children = records.wideKeyCount(slot, high);
          if (children < 0) return reject(`reference to undefined record at byte ${pos - 2}`);
        }
      } else if (token < 0x90) {
        children = (token - 0x80) * 2;
        opensMap = true;
        pos += 1;
      } else if (token < 0xa0) {
        children = token - 0x90;
        pos += 1;
      } else if (token < 0xc0) {
        pos = skipText(bytes, pos + 1, token - 0xa0, end);
      } else {
        switch (token) {
          case 0xc0: case 0xc2: case 0xc3:
            pos += 1; break;
          case 0xc1:
            return reject(`reserved byte 0xc1 at ${pos}`);
          case 0xc4: case 0xc5: case 0xc6:
            return reject(`bin at byte ${pos} not accepted`);
          case 0xc7: case 0xc8: case 0xc9: {
            const typeAt = pos + 1 + (1 << (token - 0xc7));
            return reject(`extension type ${extType(bytes, typeAt)} at byte ${pos} not accepted`);
          }
          case 0xcc: case 0xd0:
            pos = skip(pos + 1, 1, end); break;
          case 0xcd: case 0xd1:
            pos = skip(pos + 1, 2, end); break;
          case 0xca: case 0xce: case 0xd2:
            pos = skip(pos + 1, 4, end); break;
          case 0xcb: case 0xcf: case 0xd3:
            pos = skip(pos + 1, 8, end); break;
          case 0xd4: case 0xd5: {
            const wide = token === 0xd5;
            if (bytes[pos + 1] !== RECORD_EXT) {
              return reject(`extension type ${extType(bytes, pos + 1)} at byte ${pos} not accepted`);
            }
            if (pos + (wide ? 4 : 3) >= end) return reject(`truncated record definition at byte ${pos}`);
            const id = bytes[pos + 2]!;
            if (id < (wide ? 0x60 : 0x40) || id > 0x7f) return reject(`bad record id at byte ${pos}`);
            const high = wide ? bytes[pos + 3]! : 0;
            pos = scanRecordKeys(bytes, pos + (wide ? 4 : 3));
            if (pos < 0) return reject(keyScanFailure());
            children = lastRecordKeyCount();
            values += children + 1;
            if (wide) records.defineLong(id & 0x3f, high, children);
            else records.defineShort(id & 0x3f, children);
            break;
          }
          case 0xd6: case 0xd7: case 0xd8:
            return reject(`extension type ${extType(bytes, pos + 1)} at byte ${pos} not accepted`);
          case 0xd9:
            pos = skipText(bytes, pos + 2, readLength(bytes, pos + 1, 1, end), end); break;
          case 0xda:
            pos = skipText(bytes, pos + 3, readLength(bytes, pos + 1, 2, end), end); break;
          case 0xdb:
            pos = skipText(bytes, pos + 5, readLength(bytes, pos + 1, 4, end), end); break;
          case 0xdc: case 0xdd: case 0xde: case 0xdf: {
            const lengthBytes = token & 1 ? 4 : 2;
            const count = readLength(bytes, pos + 1, lengthBytes, end);
            if (count < 0) return reject(`truncated length at byte ${pos}`);
            opensMap = token >= 0xde;
            children = opensMap ? count * 2 : count;
            pos += 1 + lengthBytes;
            break;
          }
        }
      }
      if (pos === BAD_UTF8) return reject('a string is not valid UTF-8');
      if (pos < 0) return reject('declared length runs past the end of the frame');
    }

    if (values > limits.maxValues) return reject(`more than ${limits.maxValues} values`);
    if (children > 0) {
      if (children > end - pos) return reject(`declared ${children} values but only ${end - pos} bytes remain`);
      if (depth + 2 > maxDepth) return reject(`nesting deeper than ${maxDepth}`);
      depth += 1;
      remaining[depth] = children;
      isMapLevel[depth] = opensMap ? 1 : 0;
      continue;
    }
    // The value is complete: close every container it was the last child of.
    while (depth > 0) {
      const left = remaining[depth]! - 1;
      remaining[depth] = left;
      if (left > 0) break;
      depth -= 1;
    }
    if (depth === 0) break;
  }
  if (pos !== end) return reject(`${end - pos} trailing bytes after the message`);
  return ACCEPTED;
}

function reject(message: string): ScanResult {
  return { ok: false, code: 'MALFORMED_FRAME', message };
}

/** Position after `length` bytes starting at `from`, or -1 if they overrun. */
function skip(from: number, length: number, end: number): number {
  return length >= 0 && length <= end - from ? from + length : -1;
}

/** skipText's answer for a string whose bytes are not UTF-8 (PROTOCOL.md §2: str is UTF-8). */
const BAD_UTF8 = -2;

/** Like skip, for a str value: also -2 when its bytes are not strict UTF-8. */
function skipText(bytes: Uint8Array, from: number, length: number, end: number): number {
  const after = skip(from, length, end);
  if (after < 0) return after;
  return isValidUtf8(bytes, from, after) ? after : BAD_UTF8;
}

function extType(bytes: Uint8Array, at: number): string {
  const type = bytes[at];
  if (type === undefined) return '(truncated)';
  return String(type > 127 ? type - 256 : type); // ext types are signed
}
