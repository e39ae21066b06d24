import type { KeyEvent } from '../../../shared/protocol/key-event.ts';

/** Batches remembered per connection: enough for every batch a client may have in flight. */
const REMEMBERED = 1024;

/**
 * A 32-bit fingerprint of each batch this connection received, so that a resend of a seq
 * with different content is noticed (PROTOCOL.md §5: the first content is kept, the resend
 * is acknowledged and reported). Hashing the decoded fields, not the frame bytes: the same
 * events may be encoded as records or as plain maps.
 */
export class BatchFingerprints {
  private readonly bySeq = new Map<number, number>();

  remember(seq: number, events: readonly KeyEvent[]): void {
    this.bySeq.set(seq, fingerprint(events));
    if (this.bySeq.size > REMEMBERED) this.bySeq.delete(this.bySeq.keys().next().value!);
  }

  /** True when seq was received before on this connection with other content. */
  conflicts(seq: number, events: readonly KeyEvent[]): boolean {
    const known = this.bySeq.get(seq);
    return known !== undefined && known !== fingerprint(events);
  }
}

const PRIME = 0x01000193;

/**
 * FNV-1a over every field of every event, one multiply per value and per UTF-16 unit of the
 * texts (the 16-bit halves it mixed before cost twice as much, for every batch received).
 */
export function fingerprint(events: readonly KeyEvent[]): number {
  let h = Math.imul(0x811c9dc5 ^ events.length, PRIME);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    h = Math.imul(h ^ (e.type | (e.isError ? 2 : 0) | (e.flags << 2)), PRIME);
    h = Math.imul(h ^ (e.offsetUs % 0x100000000), PRIME);
    h = Math.imul(h ^ Math.floor(e.offsetUs / 0x100000000), PRIME);
    h = Math.imul(h ^ e.textPos, PRIME);
    h = mixText(mixText(h, e.code), e.key);
  }
  return h >>> 0;
}

function mixText(hash: number, text: string): number {
  let h = Math.imul(hash ^ text.length, PRIME);
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), PRIME);
  return h;
}
