import { encodeMessage } from '../../shared/protocol/codec.ts';
import type { KeyEvent } from '../../shared/protocol/key-event.ts';
import { MessageType } from '../../shared/protocol/messages.ts';

/** Seqs kept: far more than bench clients drift apart in a run of seconds. */
const KEPT = 4096;

/**
 * Batch `seq` of a bench session: the sample events moved on in time, each batch starting
 * where the one before ended, since the ingest refuses a session whose offsets go backwards
 * (OFFSET_DECREASED).
 */
export function eventsOfBatch(events: KeyEvent[], seq: number): KeyEvent[] {
  const span = events.at(-1)?.offsetUs ?? 0;
  const shift = (seq - 1) * span;
  return shift === 0 ? events : events.map((event) => ({ ...event, offsetUs: event.offsetUs + shift }));
}

/** One batch, in each form a link sends it, each built on first use. */
export class SharedBatch {
  private wire: Uint8Array | undefined;
  private json: string | undefined;

  constructor(readonly seq: number, readonly events: KeyEvent[]) {}

  /** The WebSocket frame (PROTOCOL.md): the same bytes for every session. */
  get frame(): Uint8Array {
    return (this.wire ??= encodeMessage({ t: MessageType.Batch, seq: this.seq, events: this.events }));
  }

  /** The events as the HTTP baseline's JSON. */
  get eventsJson(): string {
    return (this.json ??= JSON.stringify(this.events));
  }
}

/**
 * Every bench client sends the same batches (the same events at the same seq), so each batch
 * is built and encoded once and shared. The load generator shares the machine with the server
 * it measures: 200 clients encoding the same batch 200 times spent a third of a core on it
 * (profiled 2026-12-05), a third of a core the server and PostgreSQL then did not have.
 */
export class SharedBatches {
  private readonly bySeq = new Map<number, SharedBatch>();

  constructor(private readonly events: KeyEvent[]) {}

  get(seq: number): SharedBatch {
    let batch = this.bySeq.get(seq);
    if (!batch) {
      batch = new SharedBatch(seq, eventsOfBatch(this.events, seq));
      this.bySeq.set(seq, batch);
      if (this.bySeq.size > KEPT) this.bySeq.delete(this.bySeq.keys().next().value!);
    }
    return batch;
  }
}
