/**
 * The ack, the frame sent most (one per batch stored), written and read without msgpackr:
 * the exact bytes codec.ts's msgpackr writes for `{ t: 4, seq }` (tested against it). Every
 * client decodes one per batch it sends: 10,000 typists at 150 ms batches are 67,000 acks a
 * second for the server to encode and for a load generator to decode. Reading returns
 * undefined for any other bytes, and the general path decides (ack-codec.test.ts).
 */
import { MAX_SEQ, type DecodeLimits } from './limits.ts';
import { MessageType, type AckMessage } from './messages.ts';

/** The record definition of an ack, [t, seq] as id 0x40, then t = 4. */
const ACK_HEAD = [0xd4, 0x72, 0x40, 0x92, 0xa1, 0x74, 0xa3, 0x73, 0x65, 0x71, MessageType.Ack] as const;

/** An ack of `seq` (0..2^31-1: callers pass only those; codec.ts sends anything else through msgpackr). */
export function encodeAck(seq: number): Uint8Array {
  const n = ACK_HEAD.length;
  // With records on, msgpackr never writes 64-127 as a fixint (those bytes are record references).
  const bytes = new Uint8Array(n + (seq < 0x40 ? 1 : seq < 0x100 ? 2 : seq < 0x10000 ? 3 : 5));
  bytes.set(ACK_HEAD);
  if (seq < 0x40) bytes[n] = seq;
  else if (seq < 0x100) bytes.set([0xcc, seq], n);
  else if (seq < 0x10000) bytes.set([0xcd, seq >>> 8, seq & 0xff], n);
  else bytes.set([0xce, seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff], n);
  return bytes;
}

/** The general path's scan needs nesting 2 and counts 6 values for an ack. */
export function decodeCanonicalAck(bytes: Uint8Array, limits: Pick<DecodeLimits, 'maxDepth' | 'maxValues'>): AckMessage | undefined {
  const n = ACK_HEAD.length;
  if (bytes.length < n + 1 || bytes.length > n + 5 || limits.maxDepth < 2 || limits.maxValues < 8) return undefined;
  for (let i = 0; i < n; i++) if (bytes[i] !== ACK_HEAD[i]) return undefined;
  const token = bytes[n]!;
  let seq: number;
  let end: number;
  if (token < 0x40) [seq, end] = [token, n + 1];
  else if (token === 0xcc) [seq, end] = [bytes[n + 1]!, n + 2];
  else if (token === 0xcd) [seq, end] = [(bytes[n + 1]! << 8) | bytes[n + 2]!, n + 3];
  else if (token === 0xce) [seq, end] = [((bytes[n + 1]! << 24) >>> 0) + ((bytes[n + 2]! << 16) | (bytes[n + 3]! << 8) | bytes[n + 4]!), n + 5];
  else return undefined;
  return end === bytes.length && seq <= MAX_SEQ ? { t: MessageType.Ack, seq } : undefined;
}
