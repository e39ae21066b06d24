/**
 * Key scanning for the frame pre-scan: map keys and the key arrays of
 * msgpackr record definitions. Keys must be short strings and never name a
 * prototype slot, whatever the decoder would later do with them.
 */
import { MAX_KEY_BYTES, MAX_RECORD_KEYS } from './limits.ts';

const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'].map((key) =>
  new TextEncoder().encode(key),
);

// Helpers return a position, or -1 with the reason here: no allocation on the accepting path.
let failure = '';
let recordKeyCount = 0;

export function keyScanFailure(): string {
  return failure;
}

/** Key count of the definition scanned last by scanRecordKeys. */
export function lastRecordKeyCount(): number {
  return recordKeyCount;
}

/** Big-endian unsigned of 1, 2 or 4 bytes at `at`, or -1 if truncated. */
export function readLength(bytes: Uint8Array, at: number, size: number, end: number): number {
  if (at + size > end) return -1;
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + bytes[at + i]!;
  return value;
}

/** A map or record key: a string of at most MAX_KEY_BYTES, not a prototype name. */
export function scanKey(bytes: Uint8Array, pos: number): number {
  const end = bytes.length;
  const token = bytes[pos]!;
  let start: number;
  let length: number;
  if (token >= 0xa0 && token < 0xc0) {
    start = pos + 1;
    length = token - 0xa0;
  } else if (token >= 0xd9 && token <= 0xdb) {
    const size = token === 0xd9 ? 1 : token === 0xda ? 2 : 4;
    start = pos + 1 + size;
    length = readLength(bytes, pos + 1, size, end);
  } else {
    failure = `key at byte ${pos} is not a string`;
    return -1;
  }
  if (length < 0 || length > end - start) {
    failure = `key at byte ${pos} runs past the end of the frame`;
    return -1;
  }
  if (length > MAX_KEY_BYTES) {
    failure = `key at byte ${pos} longer than ${MAX_KEY_BYTES} bytes`;
    return -1;
  }
  if (isForbiddenKey(bytes, start, length)) {
    failure = `forbidden key at byte ${pos}`;
    return -1;
  }
  return start + length;
}

function isForbiddenKey(bytes: Uint8Array, start: number, length: number): boolean {
  for (const forbidden of FORBIDDEN_KEYS) {
    if (forbidden.length !== length) continue;
    let i = 0;
    while (i < length && bytes[start + i] === forbidden[i]) i++;
    if (i === length) return true;
  }
  return false;
}

/** The key array of a record definition: an array of at most MAX_RECORD_KEYS keys. */
export function scanRecordKeys(bytes: Uint8Array, pos: number): number {
  const token = bytes[pos]!;
  let count: number;
  if (token >= 0x90 && token < 0xa0) {
    count = token - 0x90;
    pos += 1;
  } else if (token === 0xdc || token === 0xdd) {
    const size = token === 0xdc ? 2 : 4;
    count = readLength(bytes, pos + 1, size, bytes.length);
    pos += 1 + size;
  } else {
    failure = `record definition at byte ${pos} has no key array`;
    return -1;
  }
  if (count < 0 || count > MAX_RECORD_KEYS) {
    failure = `record definition at byte ${pos} has more than ${MAX_RECORD_KEYS} keys`;
    return -1;
  }
  for (let i = 0; i < count; i++) {
    if (pos >= bytes.length) {
      failure = `truncated record definition at byte ${pos}`;
      return -1;
    }
    pos = scanKey(bytes, pos);
    if (pos < 0) return -1;
  }
  recordKeyCount = count;
  return pos;
}
