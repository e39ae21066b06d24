/**
 * The ack, the frame sent most (one per batch stored), written and read without msgpackr:
 * the exact bytes codec.ts's msgpackr writes for `{ t: 4, seq }` (tested against it). Every
 * client decodes one per batch it sends: 10,000 typists at 150 ms batches are 67,000 acks a
 * second for the server to encode and for a load generator to decode. Reading returns
 * undefined for any other bytes, and the general path decides (ack-codec.test.ts).
 */
import { MAX_SEQ, type DecodeLimits } from './limits.ts';
import { MessageType, type AckMessage } from './messages.ts';
import { recordDefinition, uintAt, uintLength, uintSize, writeUint } from './msgpackr-bytes.ts';
import { MESSAGE_FIELDS } from './wire-fields.ts';

/** The record definition of an ack, [t, seq] as id 0x40, then t = 4. */
const ACK_HEAD = Uint8Array.of(...recordDefinition(0x40, MESSAGE_FIELDS[MessageType.Ack]), MessageType.Ack);

/** An ack of `seq` (0..2^31-1: callers pass only those; codec.ts sends anything else through msgpackr). */
export function encodeAck(seq: number): Uint8Array {
  // One allocation an ack: the server writes one per batch stored.
  const bytes = new Uint8Array(ACK_HEAD.length + uintLength(seq));
  bytes.set(ACK_HEAD);
  writeUint(bytes, ACK_HEAD.length, seq);
  return bytes;
}

/** The general path's scan needs nesting 2 and counts 6 values for an ack. */
export function decodeCanonicalAck(bytes: Uint8Array, limits: Pick<DecodeLimits, 'maxDepth' | 'maxValues'>): AckMessage | undefined {
  const n = ACK_HEAD.length;
  if (bytes.length < n + 1 || bytes.length > n + 5 || limits.maxDepth < 2 || limits.maxValues < 8) return undefined;
  for (let i = 0; i < n; i++) if (bytes[i] !== ACK_HEAD[i]) return undefined;
  if (n + uintSize(bytes[n]) !== bytes.length) return undefined;
  const seq = uintAt(bytes, n);
  return seq <= MAX_SEQ ? { t: MessageType.Ack, seq } : undefined;
}
