import type { OutboxBatch } from './outbox-types.ts';

/**
 * The batches of one session that no ack covers yet, in memory, keyed by seq. The stream
 * sends from here; the outbox store holds the same batches on disk.
 */
export class UnackedBatches {
  private readonly bySeq = new Map<number, OutboxBatch>();
  /** Highest seq an ack (or welcome.committedSeq) covered. */
  ackedSeq = 0;

  constructor(batches: readonly OutboxBatch[]) {
    for (const batch of batches) this.bySeq.set(batch.seq, batch);
  }

  add(batch: OutboxBatch): void {
    if (batch.seq > this.ackedSeq) this.bySeq.set(batch.seq, batch);
  }

  get(seq: number): OutboxBatch | undefined {
    return this.bySeq.get(seq);
  }

  /** Records a cumulative ack; false when it covers nothing new. */
  ack(seq: number): boolean {
    if (seq <= this.ackedSeq) return false;
    this.ackedSeq = seq;
    for (const key of this.bySeq.keys()) if (key <= seq) this.bySeq.delete(key);
    return true;
  }

  /** The lowest seq held above `seq`, or null. */
  firstAfter(seq: number): number | null {
    let first: number | null = null;
    for (const key of this.bySeq.keys()) if (key > seq && (first === null || key < first)) first = key;
    return first;
  }

  get size(): number {
    return this.bySeq.size;
  }

  get events(): number {
    let n = 0;
    for (const batch of this.bySeq.values()) n += batch.events.length;
    return n;
  }
}
