/**
 * Bytes exactly as codec.ts's msgpackr writes them, for the paths that read and write the
 * most frequent frames by hand (batch-fast-path.ts, ack-codec.ts). Built from the field
 * catalogue, so a renamed field changes them too.
 */

/**
 * A record definition (msgpackr's "r" extension): `d4 72 id`, then the keys as an array of
 * short strings. Keys are ASCII and under 32 chars; at most 15 of them (a fixarray).
 */
export function recordDefinition(id: number, keys: readonly string[]): number[] {
  return [0xd4, 0x72, id, 0x90 + keys.length, ...keys.flatMap((key) => [0xa0 + key.length, ...Array.from(key, (c) => c.charCodeAt(0))])];
}

/**
 * How many bytes the unsigned integer starting with `token` takes as msgpackr writes one up
 * to 2^32-1, or 0 for any other token. With records on, 0x40-0x7f are record references (a
 * plain fixint only where no record is defined), so msgpackr writes 64-127 as uint8.
 */
export function uintSize(token: number | undefined): number {
  if (token === undefined) return 0;
  if (token < 0x40) return 1;
  return token === 0xcc ? 2 : token === 0xcd ? 3 : token === 0xce ? 5 : 0;
}

/** The unsigned integer at `at`; uintSize(bytes[at]) bytes of it must be there. */
export function uintAt(bytes: Uint8Array, at: number): number {
  const token = bytes[at]!;
  if (token < 0x40) return token;
  if (token === 0xcc) return bytes[at + 1]!;
  if (token === 0xcd) return (bytes[at + 1]! << 8) | bytes[at + 2]!;
  return ((bytes[at + 1]! << 24) >>> 0) + ((bytes[at + 2]! << 16) | (bytes[at + 3]! << 8) | bytes[at + 4]!);
}

/** How many bytes msgpackr writes for an unsigned integer up to 2^32-1. */
export function uintLength(value: number): number {
  return value < 0x40 ? 1 : value < 0x100 ? 2 : value < 0x10000 ? 3 : 5;
}

/** Writes an unsigned integer up to 2^32-1 at `at` as msgpackr does: uintLength(value) bytes. */
export function writeUint(bytes: Uint8Array, at: number, value: number): void {
  if (value < 0x40) {
    bytes[at] = value;
  } else if (value < 0x100) {
    bytes[at] = 0xcc;
    bytes[at + 1] = value;
  } else if (value < 0x10000) {
    bytes[at] = 0xcd;
    bytes[at + 1] = value >>> 8;
    bytes[at + 2] = value & 0xff;
  } else {
    bytes[at] = 0xce;
    bytes[at + 1] = value >>> 24;
    bytes[at + 2] = (value >>> 16) & 0xff;
    bytes[at + 3] = (value >>> 8) & 0xff;
    bytes[at + 4] = value & 0xff;
  }
}
