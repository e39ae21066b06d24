import type { KeyEvent } from '../../../shared/protocol/key-event.ts';
import type { OutboxBatch, OutboxSession, OutboxStore } from './outbox-types.ts';

export interface BatchPolicy {
  /** Cut a batch at this many events... */
  maxEvents: number;
  /** ...or this long after its first event, whichever comes first. */
  maxDelayMs: number;
}

/**
 * About 150 ms of typing per batch: at 100 wpm that is 2-3 keys, so a crash loses at most
 * what was typed in the last 150 ms plus the IndexedDB write in flight, and the server sees
 * keystrokes within a fifth of a second. 64 events keeps a frame near 2 KB in a burst.
 */
export const DEFAULT_BATCH_POLICY: BatchPolicy = { maxEvents: 64, maxDelayMs: 150 };

/**
 * The writing end of one session's outbox: key events come in one at a time (O(1), no I/O
 * on the keystroke path), leave as numbered batches that are persisted and handed to the
 * stream at once. The persisted copy is what survives; the stream sends from memory.
 */
export class SessionOutbox {
  private pending: KeyEvent[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Batches whose IndexedDB write has not completed yet: the pagehide journal saves these. */
  private readonly unsaved = new Map<number, OutboxBatch>();
  private failedWrites = 0;
  private last: OutboxBatch | null = null;

  /**
   * `mayGrow(seq)` answers how many events batch `seq` may hold if it is still allowed to
   * grow (0: cut a new batch). While offline, a typist's 150 ms batches are merged into the
   * last one that never left the browser: 5 minutes offline is then a handful of batches,
   * not 2,000, and the backlog goes out in seconds (PROTOCOL.md §6.2).
   */
  constructor(
    private readonly store: OutboxStore,
    readonly session: OutboxSession,
    private readonly onBatch: (batch: OutboxBatch) => void,
    private readonly policy: BatchPolicy = DEFAULT_BATCH_POLICY,
    private readonly mayGrow: (seq: number) => number = () => 0,
  ) {}

  /** Creates the session record before the first event arrives. */
  open(): Promise<void> {
    return this.saveSession();
  }

  add(event: KeyEvent): void {
    if (this.session.finished) throw new Error('SessionOutbox.add after finish');
    this.pending.push(event);
    if (this.pending.length >= this.policy.maxEvents) this.cut();
    else if (this.timer === null) this.timer = setTimeout(() => this.cut(), this.policy.maxDelayMs);
  }

  /** Cuts whatever is pending into a batch now. */
  cut(): OutboxBatch | null {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return null;
    const last = this.last;
    if (last && last.events.length + this.pending.length <= this.mayGrow(last.seq)) {
      // Same seq, more events: the stream holds this very object and has never sent it.
      last.events.push(...this.pending);
      this.pending = [];
      this.unsaved.set(last.seq, last);
      void this.saveBatch(last);
      this.onBatch(last);
      return last;
    }
    const batch: OutboxBatch = { localId: this.session.localId, seq: ++this.session.lastSeq, events: this.pending };
    this.last = batch;
    this.pending = [];
    this.unsaved.set(batch.seq, batch);
    void this.saveBatch(batch);
    this.onBatch(batch);
    return batch;
  }

  /** No more events: the last batch is cut and the session marked finished. */
  finish(): Promise<void> {
    this.cut();
    this.session.finished = true;
    return this.saveSession();
  }

  /** Batches not yet known to be on disk, oldest first. */
  unsavedBatches(): OutboxBatch[] {
    return [...this.unsaved.values()];
  }

  get writeFailures(): number {
    return this.failedWrites;
  }

  private async saveBatch(batch: OutboxBatch): Promise<void> {
    const events = batch.events.length;
    try {
      await this.store.putBatch(batch);
      // A batch that grew while this write ran is still unsaved in its grown form.
      if (batch.events.length === events) this.unsaved.delete(batch.seq);
    } catch (error) {
      // The batch stays in memory: the stream still sends it, the pagehide journal still saves it.
      this.writeFailed(error);
    }
  }

  private async saveSession(): Promise<void> {
    await this.store.putSession({ ...this.session }).catch((error) => this.writeFailed(error));
  }

  private writeFailed(error: unknown): void {
    this.failedWrites++;
    console.error('outbox write failed', error);
  }
}
