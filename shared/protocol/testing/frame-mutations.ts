import type { SeededRandom } from '../../seeded-random.ts';

/** Bytes that open containers, records, lengths and extensions: where parsers go wrong. */
const INTERESTING = [0x00, 0x40, 0x41, 0x60, 0x72, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc1, 0xc4, 0xc7, 0xcf,
  0xd3, 0xd4, 0xd5, 0xd6, 0xd9, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xff];

/** A few random edits of a frame: bytes replaced, inserted, cut, truncated or repeated. */
export function mutate(random: SeededRandom, source: Uint8Array): Uint8Array {
  const bytes = Array.from(source);
  const edits = 1 + random.below(4);
  for (let e = 0; e < edits; e++) {
    const at = random.below(bytes.length + 1);
    switch (random.below(6)) {
      case 0: bytes[at] = random.byte(); break;
      case 1: bytes[at] = random.pick(INTERESTING); break;
      case 2: bytes.splice(at, 0, random.pick(INTERESTING)); break;
      case 3: bytes.splice(at, 1 + random.below(3)); break;
      case 4: bytes.length = Math.min(bytes.length, at); break;
      default: bytes.splice(at, 0, ...bytes.slice(random.below(bytes.length), random.below(bytes.length))); break;
    }
  }
  return Uint8Array.from(bytes.slice(0, 4096));
}
