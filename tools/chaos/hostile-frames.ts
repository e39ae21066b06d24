import { encodeMessage } from '../../shared/protocol/codec.ts';
import { MessageType } from '../../shared/protocol/messages.ts';
import { makeEvents } from '../../server/test/support/ingest-fixtures.ts';
import { Random } from '../load/random.ts';

/**
 * Hostile frames, deterministic for a seed: random bytes, mutations of valid frames, and
 * the known decoder bombs (lengths far beyond the frame, deep nesting, prototype keys,
 * extension types msgpackr would turn into objects, binary blobs).
 */
export function hostileFrame(rng: Random, i: number, sessionId: string): Uint8Array {
  switch (i % 4) {
    case 0: return randomBytes(rng, 1 + rng.int(256));
    case 1: return mutate(rng, validFrame(rng, sessionId));
    case 2: return BOMBS[rng.int(BOMBS.length)]!();
    default: return mutate(rng, BOMBS[rng.int(BOMBS.length)]!());
  }
}

function randomBytes(rng: Random, n: number): Uint8Array {
  const bytes = new Uint8Array(n);
  for (let i = 0; i < n; i++) bytes[i] = rng.int(256);
  return bytes;
}

function validFrame(rng: Random, sessionId: string): Uint8Array {
  const pick = rng.int(3);
  if (pick === 0) return encodeMessage({ t: MessageType.Hello, v: 1, sessionId, lastAckedSeq: 0, client: 'hostile' });
  if (pick === 1) return encodeMessage({ t: MessageType.Batch, seq: 1 + rng.int(5), events: makeEvents(1 + rng.int(20)) });
  return encodeMessage({ t: MessageType.End, seq: rng.int(5) });
}

function mutate(rng: Random, frame: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(frame);
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits && copy.length; e++) {
    const at = rng.int(copy.length);
    const kind = rng.int(3);
    if (kind === 0) copy[at] = rng.int(256);
    else if (kind === 1) copy[at] = copy[at]! ^ (1 << rng.int(8));
    else copy[at] = [0xc1, 0xd4, 0xdd, 0xdf, 0xdb, 0xc6, 0xc7, 0xff][rng.int(8)]!;
  }
  return rng.next() < 0.2 ? copy.subarray(0, rng.int(copy.length + 1)) : copy;
}

const BOMBS: Array<() => Uint8Array> = [
  () => Uint8Array.of(0xdd, 0xff, 0xff, 0xff, 0xff), // array32 of 4 billion
  () => Uint8Array.of(0xdf, 0xff, 0xff, 0xff, 0xff), // map32 of 4 billion
  () => Uint8Array.of(0xdb, 0x7f, 0xff, 0xff, 0xff, 0x61), // str32 of 2 GB
  () => Uint8Array.of(0xc6, 0x7f, 0xff, 0xff, 0xff), // bin32 of 2 GB
  () => new Uint8Array(5000).fill(0x91), // 5000 nested arrays
  () => Uint8Array.from([0x81, 0xa9, ...new TextEncoder().encode('__proto__'), 0x81, 0xa1, 0x74, 0x04]), // {__proto__:{t:4}}
  () => Uint8Array.of(0xd4, 0x65, 0x00), // msgpackr Error extension
  () => Uint8Array.of(0xd4, 0x78, 0x00), // RegExp extension
  () => Uint8Array.of(0xc7, 0x05, 0x74, 0x01, 0x02, 0x03, 0x04, 0x05), // typed array extension
  () => Uint8Array.of(0xd6, 0xff, 0x00, 0x00, 0x00, 0x01), // timestamp extension
  () => Uint8Array.of(0xc7, 0xff, 0x42, 0x00), // BigInt extension with a lying length
];
