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

/** FNV-1a over every field of every event. */
export function fingerprint(events: readonly KeyEvent[]): number {
  let h = 0x811c9dc5;
  const mix = (n: number) => {
    h ^= n & 0xffff;
    h = Math.imul(h, 0x01000193);
    h ^= n >>> 16;
    h = Math.imul(h, 0x01000193);
  };
  mix(events.length);
  for (const e of events) {
    mix(e.type);
    mix(e.offsetUs % 0x100000000);
    mix(Math.floor(e.offsetUs / 0x100000000));
    mix(e.textPos);
    mix(e.flags | (e.isError ? 0x100 : 0));
    mix(e.code.length);
    for (let i = 0; i < e.code.length; i++) mix(e.code.charCodeAt(i));
    mix(e.key.length);
    for (let i = 0; i < e.key.length; i++) mix(e.key.charCodeAt(i));
  }
  return h >>> 0;
}
